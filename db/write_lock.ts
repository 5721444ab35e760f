/**
 * One writer at a time across the threads of a process. The native libSQL
 * driver waits for SQLite's write lock synchronously (the busy timeout), so
 * a thread that found another thread's transaction open would stop its whole
 * event loop until that transaction ended. Writers of this process take this
 * lock first, waiting asynchronously; SQLite's busy timeout is left for
 * other processes. A ticket lock: writers get the lock in the order they
 * asked for it, so a busy thread cannot starve the other.
 */
export class WriteLock {
  /** [0]: the next ticket to hand out, [1]: the ticket now served */
  readonly #cells: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.#cells = new Int32Array(buffer);
  }

  /** The shared memory to give another thread's `WriteLock`. */
  get buffer(): SharedArrayBuffer {
    return this.#cells.buffer as SharedArrayBuffer;
  }

  async acquire(): Promise<void> {
    const ticket = Atomics.add(this.#cells, 0, 1);
    // polled: Atomics.waitAsync's wake-up does not keep Deno's event loop
    // alive nor wake it, and the wait is one transaction long at most
    while (Atomics.load(this.#cells, 1) !== ticket) {
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  release(): void {
    Atomics.add(this.#cells, 1, 1);
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
}
