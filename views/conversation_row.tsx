/**
 * One conversation in the list. The same component renders the full list,
 * the htmx fragment and the live update, so they cannot drift apart.
 */
import type { T } from "../i18n/translate.ts";
import { type ConversationSummary, viewOf } from "../services/conversations.ts";
import { TagChip } from "./tag_chip.tsx";

export interface ConversationRowProps {
  t: T;
  conv: ConversationSummary;
  active?: boolean;
  /**
   * a live update: the row names the lists it belongs in ("inbox-status"),
   * for static/app.js's "row" swap
   */
  live?: boolean;
}

/** The name to show for a contact: their name, else their number. */
export function contactLabel(conv: ConversationSummary): string {
  return conv.contactName || conv.contactE164;
}

/** Pinned open conversations sit in the pinned list, in the user's order. */
export function isInPins(conv: ConversationSummary): boolean {
  return conv.pinned && conv.status === "open" && !conv.spam;
}

/**
 * Pin, reorder, mark unread: a menu that needs no script to open. Its
 * buttons come from the server when it is first opened (RowMenuItems), as
 * the conversation is then, so a row costs a few bytes on the page and in
 * every live update.
 */
function RowMenu({ t, conv }: { t: T; conv: ConversationSummary }) {
  const label = t("list.actions", { name: contactLabel(conv) });
  return (
    <details
      class="row-menu"
      hx-get={`/conversations/${conv.id}/menu`}
      hx-trigger="toggle once"
      hx-swap="beforeend"
    >
      <summary aria-label={label}>⋯</summary>
    </details>
  );
}

/**
 * The opened row menu's buttons. They send the filter form along so the
 * list comes back as it was.
 */
export function RowMenuItems({ t, conv }: { t: T; conv: ConversationSummary }) {
  const base = `/conversations/${conv.id}`;
  const listAction = {
    "hx-include": "#list-filters",
    "hx-target": "#list-body",
    "hx-swap": "outerHTML",
  };
  return (
    <div class="menu">
      <button
        type="button"
        hx-post={`${base}/${conv.pinned ? "unpin" : "pin"}`}
        {...listAction}
      >
        {t(conv.pinned ? "pins.unpin" : "pins.pin")}
      </button>
      {isInPins(conv) && (
        <>
          <button type="button" hx-post={`${base}/pin/up`} {...listAction}>
            {t("pins.move_up")}
          </button>
          <button type="button" hx-post={`${base}/pin/down`} {...listAction}>
            {t("pins.move_down")}
          </button>
        </>
      )}
      <button
        type="button"
        hx-post={`${base}/${conv.unread ? "read" : "unread"}`}
        hx-target="closest li"
        hx-swap="outerHTML"
      >
        {t(conv.unread ? "read.mark_read" : "read.mark_unread")}
      </button>
    </div>
  );
}

export function ConversationRow(
  { t, conv, active, live }: ConversationRowProps,
) {
  const href = `/conversations/${conv.id}`;
  const inPins = isInPins(conv);
  return (
    <li
      id={`conv-${conv.id}`}
      class={conv.unread ? "unread" : undefined}
      data-list={live ? `${conv.inboxId}-${viewOf(conv)}` : undefined}
      data-conversation={inPins ? String(conv.id) : undefined}
      draggable={inPins ? "true" : undefined}
    >
      <a
        href={href}
        hx-get={href}
        hx-target="#thread-pane"
        hx-push-url="true"
        aria-current={active ? "true" : undefined}
      >
        <span class="who">
          <span class={`chan ${conv.channel}`}>
            {t(
              conv.channel === "whatsapp" ? "channel.whatsapp" : "channel.sms",
            )}
          </span>
          {contactLabel(conv)}
          {!conv.contactName && (
            <span class="unknown">({t("contact.unknown")})</span>
          )}
          {conv.unread && (
            <span class="visually-hidden">, {t("list.unread")}</span>
          )}
        </span>
        {/* also the row's place in a live-sorted list (static/app.js) */}
        <time
          class="when"
          datetime={new Date(conv.lastMessageAt).toISOString()}
        >
          {t.time(conv.lastMessageAt)}
        </time>
        <span class="preview">{conv.preview}</span>
        {conv.tags.length > 0 && (
          <span class="tags">
            {conv.tags.map((tag) => <TagChip tag={tag} />)}
          </span>
        )}
      </a>
      <RowMenu t={t} conv={conv} />
    </li>
  );
}
