/**
 * Group commit for webhooks. Carriers post many small webhooks at once;
 * committing each in its own transaction makes the per-transaction cost
 * the bottleneck. Requests that arrive while a transaction is running wait
 * and go together in the next one; each caller still gets its answer only
 * after its data is committed, so a 2xx always means stored.
 */
import type { ParsedWebhook } from "../carriers/types.ts";
import type { Db } from "../db/client.ts";
import type { Clock } from "./clock.ts";
import { GroupCommit } from "./group_commit.ts";
import {
  applyStatusBatch,
  receiveBatch,
  type ReceiveOptions,
  type ReceiveResult,
  type StatusResult,
} from "./inbound.ts";

export interface IngestResult {
  received: ReceiveResult;
  statuses: StatusResult;
}

/** Where webhooks are stored: on this thread, or on the writer thread. */
export interface Ingest {
  /** Stores one webhook's content; resolves once it is committed. */
  submit(parsed: ParsedWebhook): Promise<IngestResult>;
  /** Answers what was submitted, then stops. */
  close(): Promise<void>;
}

export class WebhookIngest implements Ingest {
  #batches = new GroupCommit<ParsedWebhook, IngestResult>((list) =>
    this.#store(list)
  );

  constructor(
    readonly db: Db,
    readonly clock: Clock,
    readonly opts: ReceiveOptions = {},
  ) {}

  /** Stores one webhook's content; resolves once it is committed. */
  submit(parsed: ParsedWebhook): Promise<IngestResult> {
    return this.#batches.submit(parsed);
  }

  /** Resolves once everything submitted so far is committed. */
  close(): Promise<void> {
    return this.#batches.drain();
  }

  #store(list: ParsedWebhook[]): Promise<IngestResult> {
    return this.db.write(async (tx) => {
      const now = this.clock();
      const inbound = list.flatMap((p) => p.messages);
      // most batches are delivery reports only (three or so per message
      // sent): they need none of the inbound path's reads
      const received = inbound.length === 0
        ? { stored: 0, duplicates: 0, unknownNumber: 0 }
        : await receiveBatch(tx, now, inbound, this.opts);
      const statuses = await applyStatusBatch(
        tx,
        now,
        list.flatMap((p) => p.statuses),
      );
      return { received, statuses };
    });
  }
}
