/** One figure of a benchmark, as bench/run.ts prints and stores it. */
export interface BenchRow {
  /** what was measured, e.g. "list p95: unread filter (page)" */
  figure: string;
  value: number;
  unit: string;
  /** the target, or null for a figure shown for information */
  limit: number | null;
  /** value / limit (below 1 is within target), or null without a limit */
  ratio: number | null;
}

/** A row with its ratio worked out. */
export function benchRow(
  figure: string,
  value: number,
  unit: string,
  limit: number | null = null,
): BenchRow {
  return {
    figure,
    value: Math.round(value * 1000) / 1000,
    unit,
    limit,
    ratio: limit ? Math.round((value / limit) * 1000) / 1000 : null,
  };
}

/** The p-th percentile (0–100) of the samples, nearest rank. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const i = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[i];
}
