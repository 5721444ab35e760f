/**
 * One reader of the events table per process. It reads new rows when this
 * process commits a write (at once) and on a short poll (rows written by
 * other instances), and hands each batch to the subscribers that may see it.
 * Per-connection work is then only filtering and writing bytes.
 */
import { log } from "./log.ts";
import type { Db } from "../db/client.ts";
import { eventsAfter, latestEventId, type StoredEvent } from "./events.ts";

export interface Subscriber {
  userId: number;
  /** inboxes whose events this subscriber sees; replaced on access.changed */
  inboxIds: Set<number>;
  /** chats whose events this subscriber sees; replaced on access.changed */
  chatIds?: Set<number>;
  deliver(batch: EventBatch): void;
}

/**
 * One read of the log. `memo` lets subscribers share the work of loading
 * and rendering what the batch refers to: the first computes, the rest reuse.
 */
export class EventBatch {
  readonly memo = new Map<string, unknown>();
  /**
   * @param userIds every viewer this batch goes to, so per-viewer state can
   *   be loaded once for all of them (a replay has just its own viewer)
   */
  constructor(
    readonly events: StoredEvent[],
    readonly userIds: number[] = [],
  ) {}

  /** Memoises `make` under `key` for this batch. */
  once<T>(key: string, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }
}

/** True when this subscriber may see the event. */
export function isVisibleTo(
  sub: Pick<Subscriber, "userId" | "inboxIds" | "chatIds">,
  e: StoredEvent,
) {
  if (e.userId !== null) return e.userId === sub.userId;
  if (e.chatId !== null) return sub.chatIds?.has(e.chatId) ?? false;
  // presence is the organisation's: every employee sees their teammates'
  if (e.kind === "presence.changed") return true;
  return e.inboxId !== null && sub.inboxIds.has(e.inboxId);
}

export class EventBus {
  #subs = new Set<Subscriber>();
  #lastId = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reading: Promise<void> | null = null;
  #again = false;
  #stopped = true;
  #unhook: (() => void) | null = null;

  constructor(readonly db: Db, readonly pollMs = 250) {}

  get subscriberCount() {
    return this.#subs.size;
  }

  get lastId() {
    return this.#lastId;
  }

  /** ms between the newest event's commit and this process reading it */
  lastLagMs = 0;

  async start(): Promise<void> {
    this.#lastId = await latestEventId(this.db.orm);
    this.#stopped = false;
    this.#unhook = this.db.onCommit(() => this.poke());
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unhook?.();
    clearTimeout(this.#timer);
    await this.#reading;
  }

  subscribe(sub: Subscriber): () => void {
    this.#subs.add(sub);
    return () => this.#subs.delete(sub);
  }

  /** Read now (a write was committed in this process). */
  poke(): void {
    if (this.#stopped) return;
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = this.#read().finally(() => {
      this.#reading = null;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        this.poke();
      }
    });
  }

  #schedule() {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.poke();
      this.#schedule();
    }, this.pollMs);
  }

  async #read() {
    try {
      while (!this.#stopped) {
        const rows = await eventsAfter(this.db.orm, this.#lastId);
        if (rows.length === 0) return;
        this.#lastId = rows[rows.length - 1].id;
        this.lastLagMs = Math.max(
          0,
          Date.now() - rows[rows.length - 1].createdAt,
        );
        const batch = new EventBatch(rows, [
          ...new Set([...this.#subs].map((s) => s.userId)),
        ]);
        for (const sub of this.#subs) sub.deliver(batch);
        if (rows.length < 500) return;
      }
    } catch (err) {
      if (!this.#stopped) log("error", "event bus read failed", { error: err });
    }
  }
}
