/**
 * The inbox drop-down (F2) with this user's unread count per inbox (F17).
 * Each option has an id and its inbox's name, and the select the label's
 * pattern, so static/app.js can rewrite a label from a live count alone.
 */
import type { T } from "../i18n/translate.ts";
import type { ChannelNumber } from "../services/personal_numbers.ts";
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
  { t, inboxes, inboxId, numbers, numberId }: {
    t: T;
    inboxes: InboxSummary[];
    inboxId: number;
    /** numbers of the user's personal inboxes: one entry each */
    numbers?: ChannelNumber[];
    /** the number the list is filtered to */
    numberId?: number | null;
  },
) {
  const mine = numbers ?? [];
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
        data-label-unread={t("nav.inbox_unread", {
          name: "{name}",
          count: "{count}",
        })}
      >
        {inboxes.map((i) => {
          const option = (
            <option
              id={`inbox-opt-${i.id}`}
              value={String(i.id)}
              data-name={i.name}
              selected={i.id === inboxId &&
                !mine.some((n) => n.inboxId === i.id && n.id === numberId)}
            >
              {inboxOptionLabel(t, i)}
            </option>
          );
          const own = mine.filter((n) =>
            n.inboxId === i.id
          );
          if (i.kind !== "personal" || own.length === 0) {
            return option;
          }
          // a personal inbox: one entry per number, each showing only its
          // conversations (F5), and the inbox itself for all of them
          return (
            <optgroup label={t("switcher.personal", { name: i.name })}>
              {option}
              {own.map((n) => (
                <option
                  value={`${i.id}.${n.id}`}
                  selected={i.id === inboxId && n.id === numberId}
                >
                  {n.label ? `${n.label} · ${n.e164}` : n.e164}
                </option>
              ))}
            </optgroup>
          );
        })}
      </select>
      <noscript>
        <button type="submit" class="quiet">{t("nav.switch_inbox")}</button>
      </noscript>
    </form>
  );
}
