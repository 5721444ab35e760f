/** Live: the tab title's unread total and the chats badge. */
import type { T } from "../i18n/translate.ts";
import type { UnreadTotals } from "../services/notifications.ts";
import { ChatsBadge } from "./chats_badge.tsx";
import { UnreadMarker } from "./unread_marker.tsx";

export function UnreadTotalsUpdate(
  { t, totals }: { t: T; totals: UnreadTotals },
) {
  return (
    <>
      <hx-partial hx-target="#unread-total" hx-swap="outerHTML">
        <UnreadMarker count={totals.conversations + totals.chats} />
      </hx-partial>
      <hx-partial hx-target="#chats-badge" hx-swap="outerHTML">
        <ChatsBadge t={t} count={totals.chats} />
      </hx-partial>
    </>
  );
}
