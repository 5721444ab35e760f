/**
 * How many chats have something unread, beside the Chats link; static/app.js
 * updates it from live counts with the label in `data-label`.
 */
import type { T } from "../i18n/translate.ts";

export function ChatsBadge({ t, count }: { t: T; count: number }) {
  return (
    <span
      id="chats-badge"
      class="count"
      hidden={count === 0 ? true : undefined}
      aria-label={t("chats.unread_count", { count })}
      data-label={t("chats.unread_count", { count: "{count}" })}
    >
      {count > 99 ? "99+" : String(count)}
    </span>
  );
}
