/**
 * Opens the database (an embedded libSQL file, or a libSQL server) and
 * applies migrations. All writes that belong together go through `write()`.
 */
import {
  type Client,
  createClient,
  type InValue,
  type ResultSet,
  type Transaction,
} from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "./schema.ts";
import { MAIN_SLOT, WriteLock, WRITER_SLOT } from "./write_lock.ts";

export type Schema = typeof schema;
export type Drizzle = LibSQLDatabase<Schema>;
/** A transaction handle; services take `Tx | Drizzle` where reads suffice. */
export type Tx = Parameters<Parameters<Drizzle["transaction"]>[0]>[0];
export type Conn = Drizzle | Tx;

/**
 * Runs one hand-written statement on the connection under a drizzle
 * database or transaction, without drizzle's query building. Only for hot
 * paths whose statements carry many rows (the webhook batch, the events
 * log): there, building a statement costs more than running it. Relies on
 * drizzle-orm 0.45's libSQL session keeping the client and the open
 * transaction as `client` and `tx` (the ingest tests fail if that changes).
 */
export function execRaw(
  conn: Conn,
  sql: string,
  args: InValue[] = [],
): Promise<ResultSet> {
  const { session } = conn as unknown as {
    session: { client: Client; tx?: Transaction };
  };
  return (session.tx ?? session.client).execute({ sql, args });
}

/**
 * Runs a hand-written SELECT whose one result column is a JSON array
 * (`json_group_array(json_array(…))`) and returns it parsed. The libSQL
 * client's cost grows with the columns of a result (it reads each one's
 * metadata from the driver, twice) and its cells: one JSON column is the
 * cheapest way to read many values of a hot path.
 */
export async function selectJson<T = unknown[]>(
  conn: Conn,
  sql: string,
  args: InValue[] = [],
): Promise<T[]> {
  const rs = await execRaw(conn, sql, args);
  const json = rs.rows[0]?.[0];
  return typeof json === "string" ? JSON.parse(json) : [];
}

/** `?, ?, …`: `n` placeholders, for an IN list. */
export function questionMarks(n: number): string {
  return Array(n).fill("?").join(", ");
}

/** `(?, ?, …), (?, ?, …)`: placeholders for `rows` rows of `width` values. */
export function placeholders(rows: number, width: number): string {
  return Array(rows).fill(`(${questionMarks(width)})`).join(", ");
}

export interface Db {
  readonly client: Client;
  readonly orm: Drizzle;
  readonly url: string;
  /**
   * Runs `fn` in one write transaction (BEGIN IMMEDIATE). Write transactions
   * of this process are queued here: the native driver waits on SQLite's
   * busy lock synchronously, so two interleaved transactions of one process
   * on two pooled connections would block the event loop against each other.
   * Across processes the busy timeout does the waiting.
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Taken around every write transaction; threads of this process that open
   * the same file share it (services/ingest_thread.ts).
   */
  readonly writeLock: WriteLock;
  /** Called after every committed write; the event bus polls on it. */
  onCommit(listener: () => void): () => void;
  /** Tells the commit listeners about a write another thread committed. */
  notifyCommit(): void;
  close(): void;
}

export interface OpenOptions {
  url: string;
  authToken?: string;
  /** busy timeout for file databases, ms */
  busyTimeoutMs?: number;
  /** another thread's write lock on the same file (see `Db.writeLock`) */
  writeLock?: SharedArrayBuffer;
  /** false when another connection has brought the schema up to date */
  migrate?: boolean;
}

const MIGRATIONS = new URL("./migrations", import.meta.url).pathname;

/** Opens the database and brings its schema up to date. */
export async function openDb(opts: OpenOptions): Promise<Db> {
  const isFile = opts.url.startsWith("file:");
  if (isFile && !opts.url.includes(":memory:")) {
    const path = opts.url.slice("file:".length).split("?")[0];
    const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  const client = createClient({
    url: opts.url,
    authToken: opts.authToken,
    timeout: isFile ? (opts.busyTimeoutMs ?? 5000) : undefined,
    intMode: "number",
  });
  if (isFile) {
    // WAL persists in the file: readers never block the writer
    await client.execute("PRAGMA journal_mode=WAL");
  }
  await client.execute("PRAGMA foreign_keys=ON");
  const orm = drizzle(client, { schema });
  if (opts.migrate !== false) {
    await migrate(orm, { migrationsFolder: MIGRATIONS });
  }

  let tail: Promise<unknown> = Promise.resolve();
  const listeners = new Set<() => void>();
  // the thread given another's lock is that process's webhook writer
  const writeLock = new WriteLock(
    opts.writeLock,
    opts.writeLock ? WRITER_SLOT : MAIN_SLOT,
  );
  const notifyCommit = () => {
    for (const l of listeners) l();
  };
  const write = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const run = tail.then(() => writeLock.with(() => orm.transaction(fn)));
    tail = run.catch(() => {});
    return run.then((result) => {
      notifyCommit();
      return result;
    });
  };
  return {
    client,
    orm,
    url: opts.url,
    write,
    writeLock,
    onCommit: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    notifyCommit,
    close: () => client.close(),
  };
}
