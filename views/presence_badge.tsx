/**
 * Someone's presence: a coloured dot, the status and their message. Every
 * copy on a page carries the class `presence-u<id>`, so one live update
 * (presence.changed) rewrites them all.
 */
import type { T } from "../i18n/translate.ts";
import type { Presence } from "../services/presence.ts";

export function presenceClass(userId: number): string {
  return `presence-u${userId}`;
}

export function PresenceBadge(
  { t, person, compact }: {
    t: T;
    person: Pick<Presence, "id" | "status" | "statusMessage">;
    /** the dot and the status only (the message goes to the tooltip) */
    compact?: boolean;
  },
) {
  const message = person.statusMessage;
  return (
    <span
      class={`presence ${presenceClass(person.id)} ${person.status}${
        compact ? " compact" : ""
      }`}
      title={message || undefined}
    >
      <span class="dot" aria-hidden="true"></span>
      <span class="label">{t(`presence.${person.status}`)}</span>
      {!compact && message && <span class="status-msg">{message}</span>}
    </span>
  );
}
