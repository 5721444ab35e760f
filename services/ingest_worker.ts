/**
 * The webhook writer thread (see services/ingest_thread.ts): its own
 * connection to the database file, the same group commit and inbound path
 * as the main thread would run, and the process's write lock.
 */
/// <reference lib="deno.worker" />
import type { ParsedWebhook, Provider } from "../carriers/types.ts";
import { type Db, openDb } from "../db/client.ts";
import { type IngestResult, WebhookIngest } from "./ingest.ts";
import { forwardLogs, type Level, setLogLevel } from "./log.ts";

export type ToWorker =
  | {
    type: "open";
    url: string;
    writeLock: SharedArrayBuffer;
    carrierRepliesToKeywords: Provider[];
    logLevel: Level;
  }
  | { type: "submit"; id: number; parsed: ParsedWebhook; now: number }
  | { type: "close" };

export type FromWorker =
  | { type: "failed"; message: string }
  | {
    type: "settled";
    done: { id: number; result: IngestResult }[];
    failed: { id: number; message: string }[];
  }
  | {
    type: "log";
    level: Level;
    msg: string;
    fields: Record<string, unknown>;
  }
  | { type: "closed" };

let db: Db | null = null;
/** set by "open"; submits that arrive while it opens wait for it */
let opened: Promise<WebhookIngest> | null = null;
/** the main thread's clock, as of the newest webhook it handed over */
let now = 0;

// answers of one batch settle together: they go back in one message
let outgoing: Extract<FromWorker, { type: "settled" }> | null = null;
function settle(
  item:
    | { id: number; result: IngestResult }
    | { id: number; message: string },
) {
  if (!outgoing) {
    outgoing = { type: "settled", done: [], failed: [] };
    queueMicrotask(() => {
      const msg = outgoing!;
      outgoing = null;
      post(msg);
    });
  }
  if ("result" in item) outgoing.done.push(item);
  else outgoing.failed.push(item);
}

const post = (msg: FromWorker) => self.postMessage(msg);

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  switch (msg.type) {
    case "open":
      // the main thread writes the lines, so they go where its lines go
      setLogLevel(msg.logLevel);
      forwardLogs((level, msg, fields) =>
        post({ type: "log", level, msg, fields })
      );
      opened = openDb({
        url: msg.url,
        writeLock: msg.writeLock,
        migrate: false,
      }).then((opened) => {
        db = opened;
        return new WebhookIngest(db, () => now, {
          carrierRepliesToKeywords: new Set(msg.carrierRepliesToKeywords),
        });
      });
      opened.catch((err) => post({ type: "failed", message: String(err) }));
      break;
    case "submit": {
      const ingest = await opened!.catch(() => null);
      if (!ingest) {
        // "failed" is on its way: the main thread takes over
        settle({ id: msg.id, message: "the webhook writer could not start" });
        break;
      }
      now = msg.now;
      ingest.submit(msg.parsed).then(
        (result) => settle({ id: msg.id, result }),
        (err) =>
          settle({
            id: msg.id,
            message: err instanceof Error ? err.message : String(err),
          }),
      );
      break;
    }
    case "close":
      await (await opened?.catch(() => null))?.close();
      db?.close();
      post({ type: "closed" });
      self.close();
  }
};
