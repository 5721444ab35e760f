/**
 * The conversation list at 100,000 conversations / 1,000,000 messages
 * (BENCH_SCALE scales both): server time of the inbox page through
 * `app.request` with a logged-in client (compressed, as a browser asks for
 * it), and of the bare list service, for
 * the default list, each filter, search, the sorts and a deep keyset page.
 * Prints p50/p95 per case and the EXPLAIN QUERY PLAN of every list query.
 *
 *   deno run -A bench/list.ts          (or: deno task bench list)
 *   BENCH_SCALE=0.1 deno run -A bench/list.ts
 *   BENCH_DB=/tmp/big.db …             reuse a database built before (copied)
 */
import { sql } from "drizzle-orm";
import { openDb } from "../db/client.ts";
import { seedDemo } from "../db/seed.ts";
import { seedLarge } from "../db/seed_large.ts";
import {
  DEFAULT_FILTERS,
  encodeCursor,
  listConversations,
  type ListCursor,
  type ListFilters,
  listQueries,
  searchCandidatesQuery,
} from "../services/conversation_list.ts";
import { findUser, type User } from "../services/users.ts";
import { filterQuery } from "../views/list_filters.tsx";
import { loggedIn, testApp } from "../tests/helpers.ts";
import { type BenchRow, benchRow, percentile } from "./bench_row.ts";

/** The target for the list page's server time. */
export const P95_LIMIT_MS = 20;

interface Case {
  name: string;
  filters: ListFilters;
  cursor?: ListCursor;
}

async function buildDb(scale: number) {
  const path = await Deno.makeTempFile({
    prefix: "bandeja-bench-",
    suffix: ".db",
  });
  const template = Deno.env.get("BENCH_DB");
  if (template) {
    await Deno.copyFile(template, path);
    return { db: await openDb({ url: `file:${path}` }), path, seeded: null };
  }
  const db = await openDb({ url: `file:${path}` });
  const now = Date.now();
  await seedDemo(db, { now, passwordCost: 2 ** 10 });
  const seeded = await seedLarge(db, { scale, now });
  await db.client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  return { db, path, seeded };
}

async function time(fn: () => Promise<unknown>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export async function run(): Promise<BenchRow[]> {
  const scale = Number(Deno.env.get("BENCH_SCALE") ?? "1");
  const iterations = Number(Deno.env.get("BENCH_ITERATIONS") ?? "150");
  const t0 = performance.now();
  const { db, path, seeded } = await buildDb(scale);
  console.log(
    seeded
      ? `seeded ${seeded.conversations} conversations, ${seeded.messages} messages, ${seeded.contacts} contacts in ${seeded.ms} ms`
      : `copied ${Deno.env.get("BENCH_DB")}`,
  );
  const t = await testApp({ db });
  const rows: BenchRow[] = [];
  try {
    const q = async (sql: string, args: (string | number)[] = []) =>
      (await db.client.execute({ sql, args })).rows;
    const support = Number(
      (await q("select id from inboxes where name = 'Support'"))[0].id,
    );
    const ana = (await findUser(
      db.orm,
      Number(
        (await q("select id from users where email = 'ana@demo.test'"))[0].id,
      ),
    )) as User;
    const tagId = async (name: string) =>
      Number(
        (await q("select id from tags where inbox_id = ? and name = ?", [
          support,
          name,
        ]))[0].id,
      );
    const [openCount] = await q(
      "select count(*) as n from conversations where inbox_id = ? and status = 'open'",
      [support],
    );
    // a cursor halfway down the open list (OFFSET here only, to find it)
    const [mid] = await q(
      `select last_message_at as at, id from conversations
       where inbox_id = ? and status = 'open'
       order by last_message_at desc, id desc limit 1 offset ?`,
      [support, Math.floor(Number(openCount.n) / 2)],
    );
    // a customer's number as an agent would type it, whole and in part
    const [someone] = await q(
      `select k.e164 from conversations c join contacts k on k.id = c.contact_id
       where c.inbox_id = ? and c.status = 'open' and c.id = ?`,
      [support, Number(mid.id)],
    );
    const digits = String(someone.e164).slice(2);
    const national = `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${
      digits.slice(6)
    }`;
    const partial = `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${
      digits.slice(6, 8)
    }`;
    const deep: ListCursor = {
      phase: "a",
      at: Number(mid.at),
      id: Number(mid.id),
    };
    const cases: Case[] = [
      { name: "default (open, newest)", filters: DEFAULT_FILTERS },
      { name: "unread only", filters: { ...DEFAULT_FILTERS, unread: true } },
      {
        name: "assigned to me",
        filters: { ...DEFAULT_FILTERS, assignee: "me" },
      },
      {
        name: "unassigned",
        filters: { ...DEFAULT_FILTERS, assignee: "unassigned" },
      },
      {
        name: "tag (shipping, 8%)",
        filters: { ...DEFAULT_FILTERS, tagId: await tagId("shipping") },
      },
      {
        name: "tag (bug, 0.4%)",
        filters: { ...DEFAULT_FILTERS, tagId: await tagId("bug") },
      },
      {
        name: "number",
        filters: {
          ...DEFAULT_FILTERS,
          numberId: Number(
            (await q(
              "select id from phone_numbers where inbox_id = ? order by id limit 1",
              [support],
            ))[0].id,
          ),
        },
      },
      {
        name: "search name (garcía)",
        filters: { ...DEFAULT_FILTERS, q: "garcía" },
      },
      {
        name: `search number (${national})`,
        filters: { ...DEFAULT_FILTERS, q: national },
      },
      {
        name: `search number part (${partial})`,
        filters: { ...DEFAULT_FILTERS, q: partial },
      },
      {
        name: "search body (armario)",
        filters: { ...DEFAULT_FILTERS, q: "armario" },
      },
      {
        name: "search body (order 4242)",
        filters: { ...DEFAULT_FILTERS, q: "4242" },
      },
      { name: "sort oldest", filters: { ...DEFAULT_FILTERS, sort: "oldest" } },
      {
        name: "sort unread first",
        filters: { ...DEFAULT_FILTERS, sort: "unread" },
      },
      {
        name: "closed, newest",
        filters: { ...DEFAULT_FILTERS, status: "closed" },
      },
      {
        name: "spam view",
        filters: { ...DEFAULT_FILTERS, status: "spam" },
      },
      {
        name: "deep keyset page (middle)",
        filters: DEFAULT_FILTERS,
        cursor: deep,
      },
      {
        name: "unread + assigned to me + tag",
        filters: {
          ...DEFAULT_FILTERS,
          unread: true,
          assignee: "me",
          tagId: await tagId("spanish"),
        },
      },
    ];
    const client = await loggedIn(t, "ana");
    console.log(
      `\nuser ana, inbox Support: ${openCount.n} open conversations; ${iterations} runs per case\n`,
    );
    console.log(
      `${"case".padEnd(34)} ${"rows".padStart(5)}  ${"page min".padStart(8)} ${
        "page p50".padStart(9)
      } ${"page p95".padStart(9)}  ${"svc min".padStart(7)} ${
        "svc p50".padStart(8)
      } ${"svc p95".padStart(8)}`,
    );
    const plans: string[] = [];
    for (const c of cases) {
      const url = `/inboxes/${support}${
        filterQuery(c.filters, c.cursor ? encodeCursor(c.cursor) : undefined)
      }`;
      const page = async () => {
        // as a browser asks: the page's time includes its compression
        const res = await client.request(url, {
          headers: { "accept-encoding": "gzip, deflate, br, zstd" },
        });
        if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
        await res.arrayBuffer();
      };
      const service = () =>
        listConversations(db.orm, ana, support, c.filters, {
          cursor: c.cursor,
        });
      const got = await service();
      await time(page, 10);
      await time(service, 10);
      const pageMs = await time(page, iterations);
      const svcMs = await time(service, iterations);
      const [p50, p95, s50, s95] = [
        percentile(pageMs, 50),
        percentile(pageMs, 95),
        percentile(svcMs, 50),
        percentile(svcMs, 95),
      ];
      // the fastest run says what the work costs when nothing else runs
      const [pMin, sMin] = [Math.min(...pageMs), Math.min(...svcMs)];
      console.log(
        `${c.name.padEnd(34)} ${
          String(got.rows.length + got.pinned.length).padStart(5)
        }  ${pMin.toFixed(2).padStart(8)} ${p50.toFixed(2).padStart(9)} ${
          p95.toFixed(2).padStart(9)
        }  ${sMin.toFixed(2).padStart(7)} ${s50.toFixed(2).padStart(8)} ${
          s95.toFixed(2).padStart(8)
        }`,
      );
      rows.push(
        benchRow(`list p95: ${c.name} (page)`, p95, "ms", P95_LIMIT_MS),
      );
      rows.push(benchRow(`list p50: ${c.name} (page)`, p50, "ms"));
      rows.push(
        benchRow(`list p95: ${c.name} (service)`, s95, "ms", P95_LIMIT_MS),
      );

      const plan = await listQueries(db.orm, ana, support, c.filters, c.cursor);
      const queries = plan
        ? [
          ...(plan.pinnedQuery ? [["pinned", plan.pinnedQuery] as const] : []),
          ...plan.runs.map((r) => [`run ${r.phase}`, r.query] as const),
        ]
        : [];
      plans.push(`\n-- ${c.name}`);
      const candidates = c.filters.q
        ? searchCandidatesQuery(c.filters.q)
        : null;
      if (candidates) {
        plans.push("   [search candidates]");
        const rs = await db.orm.all<{ detail: string }>(
          sql`explain query plan ${candidates}`,
        );
        for (const r of rs) plans.push(`     ${r.detail}`);
      }
      for (const [label, query] of queries) {
        const { sql, params } = query.toSQL();
        const rs = await db.client.execute({
          sql: `EXPLAIN QUERY PLAN ${sql}`,
          args: params as (string | number)[],
        });
        plans.push(`   [${label}]`);
        for (const r of rs.rows) plans.push(`     ${String(r.detail)}`);
      }
    }
    console.log("\nQuery plans (EXPLAIN QUERY PLAN):");
    console.log(plans.join("\n"));
    rows.push(
      benchRow("list bench wall time", (performance.now() - t0) / 1000, "s"),
    );
    // timings mean little on a busy host: say how busy it was
    const [load1] = Deno.loadavg();
    console.log(
      `host: ${navigator.hardwareConcurrency} CPUs, load average ${
        load1.toFixed(2)
      } (1 min)`,
    );
    rows.push(benchRow("host load average (1 min) at the end", load1, ""));
  } finally {
    await t.close();
    for (const suffix of ["", "-wal", "-shm"]) {
      await Deno.remove(path + suffix).catch(() => {});
    }
  }
  return rows;
}

if (import.meta.main) {
  const rows = await run();
  console.table(rows);
}
