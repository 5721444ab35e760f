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

let threshold: number = ORDER[
  (Deno.env.get("LOG_LEVEL") as Level | undefined) ?? "info"
] ?? ORDER.info;

/** Sets the lowest level written (config applies LOG_LEVEL at start). */
export function setLogLevel(level: Level): void {
  threshold = ORDER[level];
}

/** Writes one log line when `level` passes the filter. */
export function log(
  level: Level,
  msg: string,
  fields: Record<string, unknown> = {},
): void {
  if (ORDER[level] < threshold) return;
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
