/**
 * Group commit. Many small writes that arrive together (webhooks, the
 * outbox's send results) would each pay for a transaction and its disk
 * flush, and the process's writes queue behind one another (db/client.ts),
 * so the per-transaction cost becomes the bottleneck. Items that arrive
 * while a batch is being written wait and go together in the next one;
 * each caller still gets its answer only after its item is committed.
 */

import { setImmediate } from "node:timers";

/**
 * One turn of the event loop. The database driver works synchronously, so
 * while a batch commits nothing else makes progress; giving the loop a turn
 * before each batch lets everything already waiting (requests read off the
 * socket, carrier answers) reach `submit` and join it, instead of each
 * batch holding one item.
 */
const loopTurn = () => new Promise<void>((r) => setImmediate(r));

interface Pending<T, R> {
  item: T;
  resolve(r: R): void;
  reject(e: unknown): void;
}

export class GroupCommit<T, R> {
  #pending: Pending<T, R>[] = [];
  #flushing: Promise<void> | null = null;

  /**
   * @param store writes a batch in one transaction; every item of the batch
   *   gets its answer
   * @param maxBatch most items one transaction takes (bounds statement size
   *   and latency)
   */
  constructor(
    readonly store: (batch: T[]) => Promise<R>,
    readonly maxBatch = 256,
  ) {}

  /** Writes `item` with whatever else is waiting; resolves once committed. */
  submit(item: T): Promise<R> {
    const { promise, resolve, reject } = Promise.withResolvers<R>();
    this.#pending.push({ item, resolve, reject });
    this.#flushing ??= this.#flush();
    return promise;
  }

  /** Resolves once everything submitted so far has its answer. */
  async drain(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async #flush() {
    try {
      while (this.#pending.length) {
        if (this.#pending.length < this.maxBatch) await loopTurn();
        const batch = this.#pending.splice(0, this.maxBatch);
        try {
          const result = await this.store(batch.map((p) => p.item));
          for (const p of batch) p.resolve(result);
        } catch {
          // one bad item must not fail its neighbours: alone, each one
          // succeeds or fails on its own
          for (const p of batch) {
            await this.store([p.item]).then(p.resolve, p.reject);
          }
        }
      }
    } finally {
      this.#flushing = null;
    }
  }
}
