/** Live: every copy of someone's queue badge for one inbox. */
import type { T } from "../i18n/translate.ts";
import { QueueBadge, queueClass } from "./queue_badge.tsx";

export function QueueUpdate(
  { t, inboxId, userId, active }: {
    t: T;
    inboxId: number;
    userId: number;
    active: boolean;
  },
) {
  return (
    <hx-partial
      hx-target={`.${queueClass(inboxId, userId)}`}
      hx-swap="outerHTML"
    >
      <QueueBadge t={t} inboxId={inboxId} userId={userId} active={active} />
    </hx-partial>
  );
}
