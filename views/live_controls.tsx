/**
 * The pieces every live page shares: the connection status, the live
 * stream's hidden element, and the log-out form.
 */
import type { T } from "../i18n/translate.ts";

/** "Live" / "Reconnecting…", kept current by static/app.js. */
export function LiveStatus({ t, tag = "span" }: { t: T; tag?: "span" | "p" }) {
  const Tag = tag;
  return (
    <Tag
      id="live"
      class="live"
      data-state="connecting"
      data-label-online={t("live.online")}
      data-label-offline={t("live.reconnecting")}
      data-label-reconnecting={t("live.reconnecting")}
      role="status"
    >
      {t("live.connecting")}
    </Tag>
  );
}

/** The SSE connection; it starts after the event the page was built at. */
export function LiveStream({ lastEventId }: { lastEventId: number }) {
  return (
    <div
      id="sse"
      hx-sse:connect={`/events?after=${lastEventId}`}
      hx-swap="none"
    >
    </div>
  );
}

/** A plain form, so logging out works without JavaScript too. */
export function LogoutForm(
  { t, csrfToken, email }: { t: T; csrfToken: string; email: string },
) {
  return (
    <form method="post" action="/logout">
      <input type="hidden" name="_csrf" value={csrfToken} />
      <button type="submit" class="quiet" title={email}>
        {t("logout")}
      </button>
    </form>
  );
}
