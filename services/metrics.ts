/**
 * Process metrics in Prometheus' text format (GET /metrics). Counters live
 * in memory (per instance, like Prometheus expects); gauges that describe
 * shared state (outbox depth and age) are read from the database.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";

export class Metrics {
  #counters = new Map<string, number>();

  /** Adds 1 to a counter identified by name and labels. */
  inc(name: string, labels: Record<string, string | number> = {}): void {
    const key = `${name}${formatLabels(labels)}`;
    this.#counters.set(key, (this.#counters.get(key) ?? 0) + 1);
  }

  /** Counter values, for tests. */
  get(name: string, labels: Record<string, string | number> = {}): number {
    return this.#counters.get(`${name}${formatLabels(labels)}`) ?? 0;
  }

  /** The exposition text: counters, then the gauges passed in. */
  render(gauges: Record<string, number>): string {
    const lines: string[] = [];
    const names = new Set<string>();
    for (const key of [...this.#counters.keys()].sort()) {
      const name = key.split("{")[0];
      if (!names.has(name)) {
        names.add(name);
        lines.push(`# TYPE ${name} counter`);
      }
      lines.push(`${key} ${this.#counters.get(key)}`);
    }
    for (const [name, value] of Object.entries(gauges)) {
      lines.push(`# TYPE ${name} gauge`, `${name} ${value}`);
    }
    return lines.join("\n") + "\n";
  }
}

function formatLabels(labels: Record<string, string | number>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  return `{${
    entries.map(([k, v]) =>
      `${k}="${
        String(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(
          /\n/g,
          "\\n",
        )
      }"`
    ).join(",")
  }}`;
}

/** Outbox depth and the age of its oldest due job, from the database. */
export async function outboxGauges(db: Db, now: number) {
  const [row] = await db.orm.all<{ depth: number; oldest: number | null }>(
    sql`SELECT count(*) AS depth, min(run_at) AS oldest FROM jobs
      WHERE state = 'pending'`,
  );
  return {
    bandeja_outbox_depth: row?.depth ?? 0,
    bandeja_outbox_oldest_age_seconds: row?.oldest
      ? Math.max(0, (now - row.oldest) / 1000)
      : 0,
  };
}
