/**
 * A logged-in client's GET /events stream, read as text: tests wait for a
 * fragment to arrive (or check that one does not). `close()` cancels the
 * stream, ending the server's side; every test must call it.
 */
import assert from "node:assert/strict";
import type { Client } from "./helpers.ts";

export class LiveStream {
  text = "";
  done = false;
  #reader: ReadableStreamDefaultReader<string>;
  #pending: Promise<ReadableStreamReadResult<string>> | null = null;

  private constructor(res: Response) {
    this.#reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** Opens the stream after the newest event (nothing old is replayed). */
  static async open(client: Client, after: number): Promise<LiveStream> {
    const res = await client.request(`/events?after=${after}`);
    assert.equal(res.status, 200);
    const stream = new LiveStream(res);
    await stream.waitFor((t) => t.includes(": connected"), 1000);
    return stream;
  }

  /** Reads until `ready(text)` holds; false when `ms` pass first. */
  async waitFor(ready: (text: string) => boolean, ms = 2000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!ready(this.text)) {
      const left = deadline - Date.now();
      if (left <= 0 || this.done) return false;
      this.#pending ??= this.#reader.read();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), left);
      });
      const result = await Promise.race([this.#pending, timeout]);
      clearTimeout(timer);
      if (result === "timeout") continue;
      this.#pending = null;
      if (result.done) this.done = true;
      else this.text += result.value;
    }
    return true;
  }

  /** Waits for `fragment`; fails the test when it does not come. */
  async expect(fragment: string | RegExp, ms = 2000): Promise<void> {
    const seen = await this.waitFor(
      (t) =>
        typeof fragment === "string" ? t.includes(fragment) : fragment.test(t),
      ms,
    );
    assert.ok(seen, `the stream did not carry ${fragment}`);
  }

  async close(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
    await this.#pending?.catch(() => {});
  }
}
