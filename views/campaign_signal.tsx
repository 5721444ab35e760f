/**
 * Tells an open campaign page that its progress changed. The stream sends
 * only this marker (to every member of the inbox: a page without the
 * target skips it); static/app.js then asks for the progress, at most
 * once a second, so a fast campaign costs each viewer little.
 */
export function CampaignSignal(
  { campaignId, eventId }: { campaignId: number; eventId: number },
) {
  return (
    <hx-partial
      hx-target={`#campaign-signal-${campaignId}`}
      hx-swap="innerHTML"
    >
      <i data-event={String(eventId)}></i>
    </hx-partial>
  );
}
