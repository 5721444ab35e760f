/**
 * One writer at a time across the threads of a process. The native libSQL
 * driver waits for SQLite's write lock synchronously (the busy timeout), so
 * a thread that found another thread's transaction open would stop its whole
 * event loop until that transaction ended. Writers of this process take this
 * lock first, waiting asynchronously; SQLite's busy timeout is left for
 * other processes. A ticket lock: writers get the lock in the order they
 * asked for it, so a busy thread cannot starve the other.
 *
 * Each thread's lock has a slot where its current ticket (waiting or held)
 * is kept, so when a thread dies its ticket can be given up for it
 * (`abandon`) and the other thread does not wait for it forever.
 */

/** cells of the shared memory */
const NEXT = 0, SERVING = 1, DEAD = 2, FIRST_SLOT = 3;
/** the threads a lock can be shared by: the main thread and one writer */
const SLOTS = 2;
/** the slot of the thread that made the lock, and of the one it gave it to */
export const MAIN_SLOT = 0, WRITER_SLOT = 1;
const NONE = -1;

export class WriteLock {
  readonly #cells: Int32Array;

  /**
   * @param buffer the shared memory of another thread's lock, or none
   * @param slot this thread's slot (0 ≤ slot < SLOTS), one per thread
   */
  constructor(buffer?: SharedArrayBuffer, readonly slot = MAIN_SLOT) {
    if (buffer) {
      this.#cells = new Int32Array(buffer);
    } else {
      this.#cells = new Int32Array(
        new SharedArrayBuffer((FIRST_SLOT + SLOTS) * 4),
      );
      this.#cells.fill(NONE, DEAD);
    }
  }

  /** The shared memory to give another thread's `WriteLock`. */
  get buffer(): SharedArrayBuffer {
    return this.#cells.buffer as SharedArrayBuffer;
  }

  async acquire(): Promise<void> {
    const ticket = Atomics.add(this.#cells, NEXT, 1);
    Atomics.store(this.#cells, FIRST_SLOT + this.slot, ticket);
    // polled: Atomics.waitAsync's wake-up does not keep Deno's event loop
    // alive nor wake it, and the wait is one transaction long at most
    while (true) {
      const serving = Atomics.load(this.#cells, SERVING);
      if (serving === ticket) return;
      if (serving === Atomics.load(this.#cells, DEAD)) {
        // a dead thread's turn: skip it
        Atomics.compareExchange(this.#cells, SERVING, serving, serving + 1);
        continue;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  release(): void {
    Atomics.store(this.#cells, FIRST_SLOT + this.slot, NONE);
    Atomics.add(this.#cells, SERVING, 1);
  }

  /** Runs `fn` holding the lock. */
  async with<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /**
   * Gives up the ticket of the thread in `slot`, which has died: held, the
   * lock is released; waiting, its turn is skipped when it comes.
   */
  abandon(slot: number): void {
    const ticket = Atomics.exchange(this.#cells, FIRST_SLOT + slot, NONE);
    if (ticket === NONE) return;
    Atomics.store(this.#cells, DEAD, ticket);
    Atomics.compareExchange(this.#cells, SERVING, ticket, ticket + 1);
  }
}
