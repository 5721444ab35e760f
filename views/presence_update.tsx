/** Live: every copy of someone's presence badge, full and compact. */
import type { T } from "../i18n/translate.ts";
import type { Presence } from "../services/presence.ts";
import { PresenceBadge, presenceClass } from "./presence_badge.tsx";

export function PresenceUpdate(
  { t, person }: {
    t: T;
    person: Pick<Presence, "id" | "status" | "statusMessage">;
  },
) {
  const cls = `.${presenceClass(person.id)}`;
  return (
    <>
      <hx-partial hx-target={`${cls}:not(.compact)`} hx-swap="outerHTML">
        <PresenceBadge t={t} person={person} />
      </hx-partial>
      <hx-partial hx-target={`${cls}.compact`} hx-swap="outerHTML">
        <PresenceBadge t={t} person={person} compact />
      </hx-partial>
    </>
  );
}
