/**
 * `deno task bench`: runs every benchmark module, prints one table and
 * writes bench/results.json. A module exports `run(): Promise<BenchRow[]>`;
 * add new ones to MODULES.
 */
import type { BenchRow } from "./bench_row.ts";

const MODULES: {
  name: string;
  load: () => Promise<{ run(): Promise<BenchRow[]> }>;
}[] = [
  { name: "list", load: () => import("./list.ts") },
  { name: "ingest", load: () => import("./ingest.ts") },
  { name: "fanout", load: () => import("./fanout.ts") },
  { name: "page_weight", load: () => import("./page_weight.ts") },
  { name: "campaign", load: () => import("./campaign.ts") },
];

function table(rows: (BenchRow & { bench: string })[]): string {
  const head = ["bench", "figure", "value", "unit", "limit", "ratio"];
  const cells = rows.map((r) => [
    r.bench,
    r.figure,
    String(r.value),
    r.unit,
    r.limit === null ? "" : String(r.limit),
    r.ratio === null ? "" : `${r.ratio.toFixed(2)}${r.ratio > 1 ? " !" : ""}`,
  ]);
  const widths = head.map((h, i) =>
    Math.max(h.length, ...cells.map((c) => c[i].length))
  );
  const line = (c: string[]) =>
    c.map((x, i) =>
      i >= 2 && i !== 3 ? x.padStart(widths[i]) : x.padEnd(widths[i])
    )
      .join("  ");
  return [
    line(head),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map(line),
  ]
    .join("\n");
}

if (import.meta.main) {
  const only = Deno.args.filter((a) => !a.startsWith("-"));
  const all: (BenchRow & { bench: string })[] = [];
  for (const m of MODULES) {
    if (only.length && !only.includes(m.name)) continue;
    console.log(`\n== ${m.name} ==`);
    const mod = await m.load();
    for (const row of await mod.run()) all.push({ bench: m.name, ...row });
  }
  console.log(`\n${table(all)}`);
  const out = new URL("./results.json", import.meta.url);
  await Deno.writeTextFile(
    out,
    JSON.stringify({ at: new Date().toISOString(), rows: all }, null, 2) + "\n",
  );
  console.log(`\nwrote ${out.pathname}`);
  const over = all.filter((r) => r.ratio !== null && r.ratio > 1);
  if (over.length) console.log(`${over.length} figure(s) over their limit`);
}
