/**
 * One inbox queue on the user's settings page, with the button that logs
 * them in or out of it. htmx swaps the row; without it the page reloads.
 */
import type { T } from "../i18n/translate.ts";
import type { QueueState } from "../services/presence.ts";
import { QueueBadge } from "./queue_badge.tsx";

export function QueueRow(
  { t, queue: q, userId, csrfToken }: {
    t: T;
    queue: QueueState;
    userId: number;
    csrfToken: string;
  },
) {
  return (
    <li id={`queue-row-${q.inboxId}`}>
      <span>
        {q.name}{" "}
        <QueueBadge
          t={t}
          inboxId={q.inboxId}
          userId={userId}
          active={q.active}
        />
      </span>
      <form
        method="post"
        action={`/me/queues/${q.inboxId}`}
        hx-post={`/me/queues/${q.inboxId}`}
        hx-target={`#queue-row-${q.inboxId}`}
        hx-swap="outerHTML"
      >
        <input type="hidden" name="_csrf" value={csrfToken} />
        <input type="hidden" name="active" value={q.active ? "0" : "1"} />
        <button type="submit" class={q.active ? "quiet" : undefined}>
          {t(q.active ? "queue.leave" : "queue.join")}
          <span class="visually-hidden">{q.name}</span>
        </button>
      </form>
    </li>
  );
}
