/** How many chats have something unread, beside the Chats link. */
import type { T } from "../i18n/translate.ts";

export function ChatsBadge({ t, count }: { t: T; count: number }) {
  return (
    <span
      id="chats-badge"
      class="count"
      hidden={count === 0 ? true : undefined}
      aria-label={t("chats.unread_count", { count })}
    >
      {count > 99 ? "99+" : String(count)}
    </span>
  );
}
