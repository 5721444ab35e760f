/** A page of conversation rows, with a keyset "load more" link. */
import type { T } from "../i18n/translate.ts";
import type {
  ConversationStatus,
  ConversationSummary,
  ListCursor,
} from "../services/conversations.ts";
import { ConversationRow } from "./conversation_row.tsx";

export interface ConversationListProps {
  t: T;
  inboxId: number;
  status: ConversationStatus;
  rows: ConversationSummary[];
  next: ListCursor | null;
  activeId?: number;
}

export function moreUrl(
  inboxId: number,
  status: ConversationStatus,
  c: ListCursor,
) {
  return `/inboxes/${inboxId}/list?status=${status}&before=${c.lastMessageAt}_${c.id}`;
}

/** The rows and the "load more" item, without the surrounding list. */
export function ConversationItems(
  { t, inboxId, status, rows, next, activeId }: ConversationListProps,
) {
  return (
    <>
      {rows.map((conv) => (
        <ConversationRow t={t} conv={conv} active={conv.id === activeId} />
      ))}
      {next && (
        <li class="more-item">
          <a
            class="more"
            href={moreUrl(inboxId, status, next)}
            hx-get={moreUrl(inboxId, status, next)}
            hx-target="closest li"
            hx-swap="outerHTML"
          >
            {t("list.more")}
          </a>
        </li>
      )}
    </>
  );
}

export function ConversationList(props: ConversationListProps) {
  const { t, inboxId, status, rows } = props;
  return (
    <ul
      id={`conv-list-${inboxId}-${status}`}
      class="conv-list"
      aria-label={t("list.label")}
    >
      {rows.length === 0
        ? (
          <li class="empty">
            {t(status === "open" ? "list.empty_open" : "list.empty_closed")}
          </li>
        )
        : <ConversationItems {...props} />}
    </ul>
  );
}
