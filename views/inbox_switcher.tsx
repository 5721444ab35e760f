/**
 * The inbox drop-down (F2) with this user's unread count per inbox (F17).
 * Each option has an id so a live update can rewrite its label alone.
 */
import type { T } from "../i18n/translate.ts";
import {
  type InboxSummary,
  UNREAD_COUNT_CAP,
} from "../services/conversations.ts";

/** "Support (3)", "Support (999+)", or the bare name when nothing is unread. */
export function inboxOptionLabel(t: T, inbox: InboxSummary): string {
  if (inbox.unreadCount <= 0) return inbox.name;
  const n = inbox.unreadCount > UNREAD_COUNT_CAP
    ? `${UNREAD_COUNT_CAP}+`
    : String(inbox.unreadCount);
  return t("nav.inbox_unread", { name: inbox.name, count: n });
}

export function InboxSwitcher(
  { t, inboxes, inboxId }: { t: T; inboxes: InboxSummary[]; inboxId: number },
) {
  return (
    <form method="get" action="/inboxes" class="switcher" id="inbox-switcher">
      <label class="visually-hidden" for="inbox-select">
        {t("nav.switch_inbox")}
      </label>
      <select
        id="inbox-select"
        name="inbox"
        hx-get="/inboxes"
        hx-trigger="change"
        hx-target="body"
        hx-push-url="true"
      >
        {inboxes.map((i) => (
          <option
            id={`inbox-opt-${i.id}`}
            value={String(i.id)}
            selected={i.id === inboxId}
          >
            {inboxOptionLabel(t, i)}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" class="quiet">{t("nav.switch_inbox")}</button>
      </noscript>
    </form>
  );
}
