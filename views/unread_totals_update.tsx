/**
 * Live: this user's unread counts as one small named SSE message,
 * `event: counts` with `{"inboxes":{"<id>":n,…},"chats":n}`. static/app.js
 * writes them into the switcher's options, the chats badge and the tab
 * title's total, with the labels the page carries (see InboxSwitcher and
 * ChatsBadge): numbers are all that change, so numbers are all that is sent.
 */
import type { InboxSummary } from "../services/conversations.ts";

export function countsFrame(inboxes: InboxSummary[], chats: number): string {
  const perInbox = Object.fromEntries(
    inboxes.map((i) => [String(i.id), i.unreadCount]),
  );
  return `event: counts\ndata: ${
    JSON.stringify({ inboxes: perInbox, chats })
  }\n\n`;
}
