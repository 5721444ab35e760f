/**
 * Structured logs: one JSON object per line, with a level filter. Nothing
 * secret goes in: callers pass ids and outcomes, never bodies, headers,
 * tokens or passwords.
 */
export type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
};

const fromEnv = Deno.env.get("LOG_LEVEL");
/** the lowest level written */
let lowest: Level = fromEnv && Object.hasOwn(ORDER, fromEnv)
  ? fromEnv as Level
  : "info";
type Forward = (
  level: Level,
  msg: string,
  fields: Record<string, unknown>,
) => void;
let forward: Forward | null = null;

/** Sets the lowest level written (config applies LOG_LEVEL at start). */
export function setLogLevel(l: Level): void {
  lowest = l;
}

/** The lowest level written. */
export function logLevel(): Level {
  return lowest;
}

/**
 * Hands this thread's log lines to `to` instead of writing them: a worker
 * thread sends them to the main thread, which writes every line.
 */
export function forwardLogs(to: Forward | null): void {
  forward = to;
}

/** Writes one log line when `level` passes the filter. */
export function log(
  level: Level,
  msg: string,
  fields: Record<string, unknown> = {},
): void {
  if (ORDER[level] < ORDER[lowest]) return;
  if (forward) return forward(level, msg, fields);
  const line = JSON.stringify(
    {
      t: new Date().toISOString(),
      level,
      msg,
      ...fields,
    },
    (_k, v) =>
      v instanceof Error
        ? { name: v.name, message: v.message, stack: v.stack }
        : v,
  );
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
