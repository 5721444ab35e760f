/**
 * A large organisation for the list benchmark (`deno task seed --large`):
 * 100,000 conversations and 1,000,000 messages at scale 1 (BENCH_SCALE
 * scales both), added to the demo organisation. Rows go in as multi-row
 * INSERTs inside one transaction per table: the client's per-statement
 * cost, not SQLite, is what makes row-at-a-time loading slow.
 */
import type { InValue } from "@libsql/client";
import { type Db, placeholders } from "./client.ts";

export interface LargeSeedOptions {
  /** 1 = 100,000 conversations / 1,000,000 messages */
  scale: number;
  now: number;
  /** deterministic data for a given seed */
  seed?: number;
  log?: (line: string) => void;
}

export interface LargeSeedResult {
  conversations: number;
  messages: number;
  contacts: number;
  ms: number;
}

/** A small, fast, seeded PRNG (mulberry32): the same data on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  "Carmen",
  "José",
  "Lucía",
  "Mateo",
  "Sofía",
  "Martín",
  "Valentina",
  "Diego",
  "Camila",
  "Andrés",
  "María",
  "Juan",
  "Emma",
  "Liam",
  "Olivia",
  "Noah",
  "Ava",
  "Ethan",
  "Mia",
  "Lucas",
  "Chloé",
  "Hugo",
  "Zoë",
  "Renée",
  "Ingrid",
  "Björn",
  "Aisha",
  "Omar",
  "Mei",
  "Hiroshi",
  "Priya",
  "Rahul",
  "Fatima",
  "Pedro",
  "Inés",
  "Álvaro",
  "Nuria",
  "Joaquín",
  "Begoña",
  "Raúl",
];
const LAST = [
  "García",
  "Martínez",
  "López",
  "Hernández",
  "González",
  "Pérez",
  "Sánchez",
  "Ramírez",
  "Torres",
  "Flores",
  "Rivera",
  "Gómez",
  "Díaz",
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Miller",
  "Davis",
  "Wilson",
  "Anderson",
  "Thomas",
  "Moore",
  "Martin",
  "Jackson",
  "Thompson",
  "White",
  "Muñoz",
  "Núñez",
  "Peña",
  "Ibáñez",
  "Castaño",
  "Ordóñez",
  "O'Brien",
];
const OPENERS = [
  "Hi, I have a question about order #{order}",
  "Hola, ¿dónde está mi pedido #{order}?",
  "My package {order} hasn't arrived yet",
  "Can I change the delivery address for #{order}?",
  "The {item} I received is damaged",
  "¿Tienen {item} en otro color?",
  "I'd like a refund for the {item}",
  "Is the store open on {day}?",
  "Do you ship to {place}?",
  "Quiero cancelar el envío de {item}",
  "What's the price of the {item} in bulk?",
  "Gracias por la ayuda con la factura",
];
const REPLIES = [
  "Thanks for reaching out! Let me check order #{order}.",
  "¡Hola! Ya revisamos tu pedido, sale {day}.",
  "Sorry about that. A replacement {item} ships today.",
  "Your refund for the {item} is on its way.",
  "We ship to {place} in 3–5 business days.",
  "Sí, tenemos {item} en azul y en gris.",
  "Could you send a photo of the {item}?",
  "Claro, cambiamos la dirección de envío.",
];
const FOLLOWUPS = [
  "Thanks 🙏",
  "Perfecto, muchas gracias",
  "Got it, thanks!",
  "When will it arrive?",
  "¿Y el número de seguimiento?",
  "Still waiting on this one",
  "ok",
  "Can you call me back?",
  "The café order was wrong again",
  "Niño's size please, not adult",
];
const ITEMS = [
  "chair",
  "desk",
  "lamp",
  "sofa",
  "mesa",
  "silla",
  "cojín",
  "rug",
  "bookshelf",
  "mattress",
  "café table",
  "armario",
];
const DAYS = ["Monday", "Tuesday", "sábado", "domingo", "Friday"];
const PLACES = ["Puerto Rico", "Canada", "México", "Hawaii", "Alaska"];
const TAGS = [
  ["vip", "c1", 0.03],
  ["billing", "c2", 0.05],
  ["shipping", "c3", 0.08],
  ["refund", "c4", 0.02],
  ["bug", "c5", 0.004],
  ["spanish", "c6", 0.1],
  ["wholesale", "c7", 0.01],
  ["feedback", "c8", 0.002],
] as const;

/** Runs one multi-row INSERT per chunk of rows. */
async function insertRows(
  exec: (sql: string, args: InValue[]) => Promise<unknown>,
  table: string,
  columns: string[],
  rows: InValue[][],
  chunk = Math.max(1, Math.floor(30_000 / columns.length)),
) {
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await exec(
      `INSERT INTO ${table} (${columns.join(",")}) VALUES ${
        placeholders(part.length, columns.length)
      }`,
      part.flat(),
    );
  }
}

/** Adds the large data set to a database that holds the demo organisation. */
export async function seedLarge(
  db: Db,
  opts: LargeSeedOptions,
): Promise<LargeSeedResult> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const rand = prng(opts.seed ?? 42);
  const pick = <X>(list: readonly X[]) =>
    list[Math.floor(rand() * list.length)];
  const q = async (sql: string, args: InValue[] = []) =>
    (await db.client.execute({ sql, args })).rows;

  const nConv = Math.max(10, Math.round(100_000 * opts.scale));
  const nMsg = Math.max(nConv, Math.round(1_000_000 * opts.scale));
  const nContacts = Math.max(10, Math.round(nConv * 0.8));

  const inboxRows = await q("select id, name from inboxes order by id");
  const inboxByName = new Map(
    inboxRows.map((r) => [String(r.name), Number(r.id)]),
  );
  const support = inboxByName.get("Support");
  const sales = inboxByName.get("Sales");
  if (!support || !sales) throw new Error("seed the demo organisation first");
  const numbers = new Map<number, number[]>();
  for (const r of await q("select id, inbox_id from phone_numbers")) {
    const list = numbers.get(Number(r.inbox_id)) ?? [];
    list.push(Number(r.id));
    numbers.set(Number(r.inbox_id), list);
  }
  const members = new Map<number, number[]>();
  for (const r of await q("select inbox_id, user_id from inbox_members")) {
    const list = members.get(Number(r.inbox_id)) ?? [];
    list.push(Number(r.user_id));
    members.set(Number(r.inbox_id), list);
  }
  const users = new Map(
    (await q("select id, email from users")).map((r) => [
      String(r.email).split("@")[0],
      Number(r.id),
    ]),
  );
  const [{ m: maxMsg }] = await q(
    "select coalesce(max(id), 0) as m from messages",
  ) as unknown as { m: number }[];
  const [{ m: maxConv }] = await q(
    "select coalesce(max(id), 0) as m from conversations",
  ) as unknown as { m: number }[];
  const [{ m: maxContact }] = await q(
    "select coalesce(max(id), 0) as m from contacts",
  ) as unknown as { m: number }[];

  // messages per conversation: 1…(2·avg−1), then nudged to the exact total
  const avg = nMsg / nConv;
  const counts = Array.from(
    { length: nConv },
    () => 1 + Math.floor(rand() * (2 * avg - 1)),
  );
  let diff = nMsg - counts.reduce((a, b) => a + b, 0);
  while (diff !== 0) {
    const i = Math.floor(rand() * nConv);
    if (diff > 0) {
      counts[i]++;
      diff--;
    } else if (counts[i] > 1) {
      counts[i]--;
      diff++;
    }
  }

  const year = 365 * 24 * 3600_000;
  const fill = (s: string) =>
    s.replace("{order}", String(100000 + Math.floor(rand() * 900000)))
      .replace("{item}", pick(ITEMS)).replace("{day}", pick(DAYS))
      .replace("{place}", pick(PLACES));

  // conversations in the order they were opened, so ids follow time
  const convs = Array.from({ length: nConv }, (_, i) => {
    const inboxId = rand() < 0.85 ? support : sales;
    const span = counts[i] * (5 + rand() * 240) * 60_000;
    const last = opts.now - Math.floor(rand() ** 1.5 * year);
    return { inboxId, last, opened: last - span, n: counts[i] };
  }).sort((a, b) => a.opened - b.opened);

  log(`contacts: ${nContacts}`);
  const tx = await db.client.transaction("write");
  const exec = (sql: string, args: InValue[]) => tx.execute({ sql, args });
  try {
    const contactRows: InValue[][] = [];
    for (let i = 0; i < nContacts; i++) {
      const named = rand() < 0.9;
      contactRows.push([
        named ? `${pick(FIRST)} ${pick(LAST)}` : "",
        `+15553${String(i).padStart(6, "0")}`,
        opts.now - year,
      ]);
    }
    await insertRows(
      exec,
      "contacts",
      ["name", "e164", "created_at"],
      contactRows,
    );

    log(`conversations: ${nConv}`);
    const convRows: InValue[][] = [];
    const msgRows: InValue[][] = [];
    const tagRows: InValue[][] = [];
    const tagIds: number[] = [];
    for (const [name, color] of TAGS) {
      const rows = await tx.execute({
        sql:
          "insert into tags (inbox_id, name, color, created_at) values (?, ?, ?, ?) on conflict do nothing returning id",
        args: [support, name, color, opts.now],
      });
      const id = rows.rows[0]?.id ??
        (await tx.execute({
          sql: "select id from tags where inbox_id = ? and name = ?",
          args: [support, name],
        })).rows[0].id;
      tagIds.push(Number(id));
    }
    let msgId = Number(maxMsg);
    const readRows: InValue[][] = [];
    const readers = {
      ana: 0.85,
      maria: 0.5,
      admin: 0.2,
      luis: 0,
    } as Record<string, number>;
    for (let i = 0; i < convs.length; i++) {
      const c = convs[i];
      const convId = Number(maxConv) + i + 1;
      const nums = numbers.get(c.inboxId)!;
      const team = members.get(c.inboxId)!;
      const spam = rand() < 0.02;
      const open = !spam && rand() < 0.6;
      const assignee = rand() < 0.4 ? null : pick(team);
      let lastBody = "", lastInbound: number | null = null;
      const step = c.n > 1 ? (c.last - c.opened) / (c.n - 1) : 0;
      for (let k = 0; k < c.n; k++) {
        const inbound = k % 2 === 0 || rand() < 0.2;
        const body = fill(
          k === 0 ? pick(OPENERS) : inbound ? pick(FOLLOWUPS) : pick(REPLIES),
        );
        const at = Math.round(c.opened + k * step);
        msgId++;
        msgRows.push([
          convId,
          inbound ? "in" : "out",
          body,
          inbound ? "received" : "delivered",
          inbound ? null : assignee ?? team[0],
          at,
        ]);
        lastBody = body;
        if (inbound) lastInbound = at;
      }
      convRows.push([
        c.inboxId,
        Number(maxContact) + 1 + Math.floor(rand() * nContacts),
        pick(nums),
        open ? "open" : "closed",
        assignee,
        spam ? 1 : 0,
        c.opened,
        open ? null : c.last,
        c.last,
        msgId,
        lastInbound,
        lastBody.slice(0, 140),
      ]);
      if (c.inboxId === support) {
        for (let j = 0; j < TAGS.length; j++) {
          if (rand() < TAGS[j][2]) tagRows.push([convId, tagIds[j], c.last]);
        }
      }
      for (const [who, share] of Object.entries(readers)) {
        const uid = users.get(who);
        if (uid && team.includes(uid) && rand() < share) {
          // a few the reader marked unread again
          readRows.push([uid, convId, msgId, rand() < 0.005 ? 1 : 0]);
        }
      }
    }
    await insertRows(exec, "conversations", [
      "inbox_id",
      "contact_id",
      "number_id",
      "status",
      "assignee_id",
      "spam",
      "opened_at",
      "closed_at",
      "last_message_at",
      "last_message_id",
      "last_inbound_at",
      "preview",
    ], convRows);
    log(`messages: ${msgRows.length}`);
    await insertRows(exec, "messages", [
      "conversation_id",
      "direction",
      "body",
      "status",
      "sent_by",
      "created_at",
    ], msgRows);
    log(`tags: ${tagRows.length}, reads: ${readRows.length}`);
    await insertRows(exec, "conversation_tags", [
      "conversation_id",
      "tag_id",
      "created_at",
    ], tagRows);
    await insertRows(exec, "conversation_reads", [
      "user_id",
      "conversation_id",
      "last_read_message_id",
      "marked_unread",
    ], readRows);
    // ana's pins: five open Support conversations from across the year
    const ana = users.get("ana");
    if (ana) {
      const pinned = await tx.execute({
        sql:
          `select id from conversations where inbox_id = ? and status = 'open'
          and id > ? order by id limit 5 offset ?`,
        args: [support, Number(maxConv), Math.floor(nConv / 3)],
      });
      await insertRows(
        exec,
        "pins",
        ["user_id", "conversation_id", "position"],
        pinned.rows.map((r, i) => [ana, Number(r.id), i + 1]),
      );
    }
    await tx.commit();
  } catch (err) {
    await tx.rollback();
    throw err;
  } finally {
    tx.close();
  }
  return {
    conversations: nConv,
    messages: nMsg,
    contacts: nContacts,
    ms: Math.round(performance.now() - started),
  };
}
