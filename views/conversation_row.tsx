/**
 * One conversation in the list. The same component renders the full list,
 * the htmx fragment and the live update, so they cannot drift apart.
 */
import type { T } from "../i18n/translate.ts";
import type { ConversationSummary } from "../services/conversations.ts";

export interface ConversationRowProps {
  t: T;
  conv: ConversationSummary;
  active?: boolean;
}

/** The name to show for a contact: their name, else their number. */
export function contactLabel(conv: ConversationSummary): string {
  return conv.contactName || conv.contactE164;
}

/** Sort key for live inserts: newest activity first (hx-upsert sorts). */
export function rowKey(conv: ConversationSummary): string {
  return `${conv.lastMessageAt}${String(conv.id).padStart(10, "0")}`;
}

export function ConversationRow({ t, conv, active }: ConversationRowProps) {
  const href = `/conversations/${conv.id}`;
  return (
    <li
      id={`conv-${conv.id}`}
      class={conv.unread ? "unread" : undefined}
      data-key={rowKey(conv)}
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
            <span class="visually-hidden">({t("contact.unknown")})</span>
          )}
          {conv.unread && (
            <span class="visually-hidden">, {t("list.unread")}</span>
          )}
        </span>
        <time
          class="when"
          datetime={new Date(conv.lastMessageAt).toISOString()}
        >
          {t.time(conv.lastMessageAt)}
        </time>
        <span class="preview">{conv.preview}</span>
      </a>
    </li>
  );
}
