/** Putting work on the durable queue that services/outbox.ts works off. */
import type { Conn } from "../db/client.ts";
import { jobs } from "../db/schema.ts";

/**
 * Makes a job due now: a new one, or — for a message sent again or a
 * reaction changed again — the existing one reset to a fresh start.
 */
export async function scheduleJobNow(
  tx: Conn,
  now: number,
  job: { kind: "send" | "react"; refId: number; numberId: number },
): Promise<void> {
  await tx.insert(jobs).values({ ...job, runAt: now, createdAt: now })
    .onConflictDoUpdate({
      target: [jobs.kind, jobs.refId],
      set: {
        state: "pending",
        attempts: 0,
        runAt: now,
        leaseOwner: null,
        leaseUntil: null,
        lastError: null,
      },
    });
}
