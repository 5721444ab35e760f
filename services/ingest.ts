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
import {
  applyStatus,
  receiveBatch,
  type ReceiveOptions,
  type ReceiveResult,
  type StatusResult,
} from "./inbound.ts";

export interface IngestResult {
  received: ReceiveResult;
  statuses: StatusResult;
}

interface Pending {
  parsed: ParsedWebhook;
  resolve(r: IngestResult): void;
  reject(e: unknown): void;
}

/** Most webhooks one transaction takes (bounds statement size and latency). */
const MAX_BATCH = 256;

/**
 * One turn of the event loop. The database driver works synchronously, so
 * while a batch commits no request makes progress; giving the loop a turn
 * before each batch lets every request already read off the socket reach
 * `submit` and join it, instead of each batch holding one webhook.
 */
const loopTurn = () => new Promise<void>((r) => setTimeout(r, 0));

export class WebhookIngest {
  #pending: Pending[] = [];
  #flushing = false;

  constructor(
    readonly db: Db,
    readonly clock: Clock,
    readonly opts: ReceiveOptions = {},
  ) {}

  /** Stores one webhook's content; resolves once it is committed. */
  submit(parsed: ParsedWebhook): Promise<IngestResult> {
    const { promise, resolve, reject } = Promise.withResolvers<IngestResult>();
    this.#pending.push({ parsed, resolve, reject });
    if (!this.#flushing) this.#flush();
    return promise;
  }

  async #flush() {
    this.#flushing = true;
    try {
      while (this.#pending.length) {
        if (this.#pending.length < MAX_BATCH) await loopTurn();
        const batch = this.#pending.splice(0, MAX_BATCH);
        try {
          const result = await this.#store(batch.map((p) => p.parsed));
          for (const p of batch) p.resolve(result);
        } catch {
          // one bad webhook must not fail its neighbours: alone, each one
          // succeeds or fails on its own
          for (const p of batch) {
            await this.#store([p.parsed]).then(p.resolve, p.reject);
          }
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  #store(list: ParsedWebhook[]): Promise<IngestResult> {
    return this.db.write(async (tx) => {
      const now = this.clock();
      const received = await receiveBatch(
        tx,
        now,
        list.flatMap((p) => p.messages),
        this.opts,
      );
      const statuses: StatusResult = { applied: 0, ignored: 0, orphaned: 0 };
      for (const p of list) {
        for (const u of p.statuses) statuses[await applyStatus(tx, now, u)]++;
      }
      return { received, statuses };
    });
  }
}
