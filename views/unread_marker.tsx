/**
 * The page's unread total, for the tab title: static/app.js reads
 * `data-count` when the page loads and after every live update.
 */
export function UnreadMarker({ count }: { count: number }) {
  return <span id="unread-total" hidden data-count={String(count)}></span>;
}
