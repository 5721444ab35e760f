/**
 * Whether someone is logged into an inbox's queue. The class names the
 * inbox and the person, so a live update (queue.changed) finds every copy.
 */
import type { T } from "../i18n/translate.ts";

export function queueClass(inboxId: number, userId: number): string {
  return `queue-${inboxId}-u${userId}`;
}

export function QueueBadge(
  { t, inboxId, userId, active }: {
    t: T;
    inboxId: number;
    userId: number;
    active: boolean;
  },
) {
  return (
    <span
      class={`queue ${queueClass(inboxId, userId)} ${active ? "in" : "out"}`}
    >
      {t(active ? "queue.in" : "queue.out")}
    </span>
  );
}
