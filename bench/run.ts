/**
 * `deno task bench`: runs every benchmark module, prints one table and
 * writes bench/results.json. A module exports `run(): Promise<BenchRow[]>`;
 * add new ones to MODULES. Each module runs in a process of its own, so one
 * benchmark's heap, JIT state and open files do not weigh on the next.
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

const ROWS_MARK = "BENCH_ROWS ";

/** Runs one module in a child process, passing its output through. */
async function runChild(name: string): Promise<BenchRow[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      new URL(import.meta.url).pathname,
      "--child",
      name,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let rows: BenchRow[] | null = null;
  let buf = "";
  for await (
    const chunk of child.stdout.pipeThrough(new TextDecoderStream())
  ) {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.startsWith(ROWS_MARK)) {
        rows = JSON.parse(line.slice(ROWS_MARK.length));
      } else console.log(line);
    }
  }
  const status = await child.status;
  if (!status.success || !rows) {
    throw new Error(`benchmark ${name} failed (exit code ${status.code})`);
  }
  return rows;
}

if (import.meta.main && Deno.args[0] === "--child") {
  const m = MODULES.find((m) => m.name === Deno.args[1])!;
  const rows = await (await m.load()).run();
  console.log(ROWS_MARK + JSON.stringify(rows));
} else if (import.meta.main) {
  const only = Deno.args.filter((a) => !a.startsWith("-"));
  const all: (BenchRow & { bench: string })[] = [];
  for (const m of MODULES) {
    if (only.length && !only.includes(m.name)) continue;
    console.log(`\n== ${m.name} ==`);
    for (const row of await runChild(m.name)) {
      all.push({ bench: m.name, ...row });
    }
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
