/**
 * Webhooks stored on a thread of their own. The native libSQL driver runs
 * every statement, commit and disk flush synchronously on the calling
 * thread; on the main thread a batch's write stops HTTP for its whole
 * duration, and the second CPU core stays idle. Here the main thread
 * verifies and parses each webhook and hands the parsed content to a writer
 * thread (services/ingest_worker.ts) with its own connection to the same
 * database file; the carrier gets its 2xx once the writer has committed, as
 * before. The two threads' writes take turns through the process's write
 * lock (db/write_lock.ts).
 *
 * Only for a database file: `:memory:` cannot be shared between
 * connections, and a libSQL server's client does not block.
 */
import type { ParsedWebhook, Provider } from "../carriers/types.ts";
import type { Db } from "../db/client.ts";
import { WRITER_SLOT } from "../db/write_lock.ts";
import type { Clock } from "./clock.ts";
import { type Ingest, type IngestResult, WebhookIngest } from "./ingest.ts";
import type { FromWorker, ToWorker } from "./ingest_worker.ts";
import { log, logLevel } from "./log.ts";

interface Waiting {
  resolve(r: IngestResult): void;
  reject(e: unknown): void;
}

export class IngestThread implements Ingest {
  /** started by the first webhook: a process that gets none has no thread */
  #worker: Worker | null = null;
  #waiting = new Map<number, Waiting>();
  #nextId = 0;
  #closed: Promise<void> | null = null;
  #onClosed = Promise.withResolvers<void>();
  /** this thread's own ingest, once the writer thread has failed */
  #fallback: WebhookIngest | null = null;

  constructor(
    readonly db: Db,
    readonly clock: Clock,
    readonly carrierRepliesToKeywords: Set<Provider>,
  ) {}

  submit(parsed: ParsedWebhook): Promise<IngestResult> {
    if (this.#closed) {
      return Promise.reject(new Error("the webhook writer is closed"));
    }
    if (this.#fallback) return this.#fallback.submit(parsed);
    const id = ++this.#nextId;
    const { promise, resolve, reject } = Promise.withResolvers<IngestResult>();
    this.#waiting.set(id, { resolve, reject });
    this.#post({ type: "submit", id, parsed, now: this.clock() });
    return promise;
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#fallback?.close();
      if (!this.#worker) return;
      this.#worker.postMessage({ type: "close" } satisfies ToWorker);
      await this.#onClosed.promise;
      this.#worker.terminate();
    })();
    return this.#closed;
  }

  #post(msg: ToWorker) {
    if (!this.#worker) this.#start();
    this.#worker!.postMessage(msg);
  }

  #start() {
    const worker = new Worker(
      new URL("./ingest_worker.ts", import.meta.url),
      { type: "module" },
    );
    this.#worker = worker;
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.#receive(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      // its turn at the write lock, held or awaited, is given up for it
      this.db.writeLock.abandon(WRITER_SLOT);
      this.#fail(e.message);
    };
    // messages wait in the worker's queue until it has loaded
    worker.postMessage(
      {
        type: "open",
        url: this.db.url,
        writeLock: this.db.writeLock.buffer,
        carrierRepliesToKeywords: [...this.carrierRepliesToKeywords],
        logLevel: logLevel(),
      } satisfies ToWorker,
    );
  }

  #receive(msg: FromWorker) {
    switch (msg.type) {
      case "log":
        return log(msg.level, msg.msg, msg.fields);
      case "failed":
        return this.#fail(msg.message);
      case "closed":
        this.#rejectWaiting(new Error("the webhook writer is closed"));
        return this.#onClosed.resolve();
      case "settled":
        // what the writer committed is in the file: the event bus and the
        // outbox read it as they do after this thread's own writes
        if (msg.done.length) this.db.notifyCommit();
        for (const { id, result } of msg.done) {
          this.#waiting.get(id)?.resolve(result);
          this.#waiting.delete(id);
        }
        for (const { id, message } of msg.failed) {
          this.#waiting.get(id)?.reject(new Error(message));
          this.#waiting.delete(id);
        }
    }
  }

  /**
   * The writer thread could not open the database or died: what it had not
   * answered gets a 5xx (the carrier sends it again), and what comes next is
   * stored on this thread.
   */
  #fail(message: string) {
    log("error", "webhook writer thread failed", { error: message });
    this.#rejectWaiting(new Error(`webhook writer thread failed: ${message}`));
    this.#fallback ??= new WebhookIngest(this.db, this.clock, {
      carrierRepliesToKeywords: this.carrierRepliesToKeywords,
    });
    this.#onClosed.resolve();
  }

  #rejectWaiting(err: Error) {
    for (const w of this.#waiting.values()) w.reject(err);
    this.#waiting.clear();
  }
}

/**
 * The process's ingest: on a writer thread for a database file (unless
 * `INGEST_THREAD=0`), on this thread otherwise.
 */
export function startIngest(
  db: Db,
  clock: Clock,
  carrierRepliesToKeywords: Set<Provider>,
  mode: "0" | "1" = "1",
): Ingest {
  const shareable = db.url.startsWith("file:") && !db.url.includes(":memory:");
  if (mode === "0" || !shareable) {
    return new WebhookIngest(db, clock, { carrierRepliesToKeywords });
  }
  return new IngestThread(db, clock, carrierRepliesToKeywords);
}
