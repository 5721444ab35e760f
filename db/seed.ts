/**
 * The demo organisation (DESIGN.md): seeded into an empty database at start
 * unless BANDEJA_DEMO=0, or by `deno task seed`.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import {
  contacts,
  conversationReads,
  conversations,
  inboxes,
  inboxMembers,
  messages,
  phoneNumbers,
  users,
} from "./schema.ts";
import { hashPassword } from "../services/passwords.ts";
import { previewOf } from "../services/messages.ts";

export const DEMO_PASSWORD = "demo-password";

export interface SeedOptions {
  now: number;
  /** scrypt cost; tests lower it to keep their set-up fast */
  passwordCost?: number;
}

/** True when the database has no users yet. */
export async function isEmpty(db: Db): Promise<boolean> {
  const [row] = await db.orm.select({ n: sql<number>`count(*)` }).from(users);
  return (row?.n ?? 0) === 0;
}

/** Seeds the demo organisation in one transaction. */
export async function seedDemo(db: Db, opts: SeedOptions): Promise<void> {
  const now = opts.now;
  const hash = await hashPassword(DEMO_PASSWORD, opts.passwordCost);
  await db.write(async (tx) => {
    const people = [
      { email: "admin@demo.test", name: "Alex Admin", role: "admin" as const },
      {
        email: "maria@demo.test",
        name: "María García",
        role: "manager" as const,
      },
      { email: "ana@demo.test", name: "Ana López", role: "agent" as const },
      { email: "luis@demo.test", name: "Luis Pérez", role: "agent" as const },
    ];
    const u = await tx.insert(users).values(
      people.map((p) => ({ ...p, passwordHash: hash, createdAt: now })),
    ).returning({ id: users.id, email: users.email });
    const id = Object.fromEntries(u.map((r) => [r.email.split("@")[0], r.id]));

    const [support, sales] = await tx.insert(inboxes).values([
      {
        name: "Support",
        helpText:
          "Bandeja Demo support: help@demo.test or +1 555 010 0001. Msg&data rates may apply. Reply STOP to opt out.",
        createdAt: now,
      },
      {
        name: "Sales",
        helpText:
          "Bandeja Demo sales: sales@demo.test. Msg&data rates may apply. Reply STOP to opt out.",
        createdAt: now,
      },
    ]).returning({ id: inboxes.id });
    await tx.insert(inboxMembers).values([
      { inboxId: support.id, userId: id.ana },
      { inboxId: support.id, userId: id.luis },
      { inboxId: support.id, userId: id.maria },
      { inboxId: support.id, userId: id.admin },
      { inboxId: sales.id, userId: id.maria },
      { inboxId: sales.id, userId: id.admin },
    ]);
    const nums = await tx.insert(phoneNumbers).values([
      {
        e164: "+15550100001",
        channel: "sms",
        provider: "twilio",
        registration: "approved",
        inboxId: support.id,
        label: "Support line",
        addedAt: now,
      },
      {
        e164: "+15550100004",
        channel: "sms",
        provider: "telnyx",
        registration: "approved",
        inboxId: support.id,
        label: "Support (Telnyx)",
        addedAt: now,
      },
      {
        e164: "+15550100002",
        channel: "whatsapp",
        provider: "whatsapp",
        providerNumberId: "100002",
        registration: "approved",
        inboxId: sales.id,
        label: "Sales WhatsApp",
        addedAt: now,
      },
      {
        e164: "+15550100003",
        channel: "sms",
        provider: "twilio",
        registration: "pending",
        inboxId: sales.id,
        label: "Sales SMS (10DLC pending)",
        addedAt: now,
      },
    ]).returning({ id: phoneNumbers.id, e164: phoneNumbers.e164 });
    const num = Object.fromEntries(nums.map((n) => [n.e164, n.id]));

    const people2 = await tx.insert(contacts).values([
      { name: "Carmen Ruiz", e164: "+15551230001", createdAt: now },
      { name: "John Smith", e164: "+15551230002", createdAt: now },
      { name: "", e164: "+15551230003", createdAt: now },
      { name: "Sofía Torres", e164: "+15551230004", createdAt: now },
      { name: "Peter Brown", e164: "+15551230005", createdAt: now },
    ]).returning({ id: contacts.id });

    const threads: {
      inboxId: number;
      contactId: number;
      numberId: number;
      lines: [dir: "in" | "out", body: string][];
      status?: "open" | "closed";
    }[] = [
      {
        inboxId: support.id,
        contactId: people2[0].id,
        numberId: num["+15550100001"],
        lines: [
          ["in", "Hola, my order #1042 hasn't arrived yet. Can you check?"],
          ["out", "Hi Carmen! Let me look that up for you."],
          ["in", "Thanks 🙏"],
        ],
      },
      {
        inboxId: support.id,
        contactId: people2[1].id,
        numberId: num["+15550100001"],
        lines: [["in", "Is the store open on Sunday?"]],
      },
      {
        inboxId: support.id,
        contactId: people2[2].id,
        numberId: num["+15550100004"],
        lines: [["in", "Do you ship to Puerto Rico?"]],
      },
      {
        inboxId: support.id,
        contactId: people2[1].id,
        numberId: num["+15550100004"],
        lines: [["in", "Got it, thanks!"], ["out", "You're welcome!"]],
        status: "closed",
      },
      {
        inboxId: sales.id,
        contactId: people2[3].id,
        numberId: num["+15550100002"],
        lines: [["in", "Hi! I'd like a quote for 20 chairs."]],
      },
      {
        inboxId: sales.id,
        contactId: people2[4].id,
        numberId: num["+15550100002"],
        lines: [
          ["in", "Can I get a demo next week?"],
          ["out", "Sure — does Tuesday 10am work?"],
        ],
      },
    ];
    let t = now - 3 * 3600_000;
    for (const th of threads) {
      const [conv] = await tx.insert(conversations).values({
        inboxId: th.inboxId,
        contactId: th.contactId,
        numberId: th.numberId,
        status: th.status ?? "open",
        openedAt: t,
        closedAt: th.status === "closed" ? t + 60_000 : null,
        lastMessageAt: t,
      }).returning({ id: conversations.id });
      let lastId = 0, lastInbound: number | null = null;
      for (const [dir, body] of th.lines) {
        t += 7 * 60_000;
        const [m] = await tx.insert(messages).values({
          conversationId: conv.id,
          direction: dir,
          body,
          status: dir === "in" ? "received" : "delivered",
          sentBy: dir === "out" ? id.ana : null,
          createdAt: t,
        }).returning({ id: messages.id });
        lastId = m.id;
        if (dir === "in") lastInbound = t;
      }
      await tx.update(conversations).set({
        lastMessageAt: t,
        lastMessageId: lastId,
        lastInboundAt: lastInbound,
        preview: previewOf(th.lines[th.lines.length - 1][1]),
      }).where(sql`${conversations.id} = ${conv.id}`);
      if (th.status === "closed") {
        await tx.insert(conversationReads).values({
          userId: id.ana,
          conversationId: conv.id,
          lastReadMessageId: lastId,
        });
      }
    }
  });
}

if (import.meta.main) {
  const { loadConfig } = await import("../config.ts");
  const { openDb } = await import("./client.ts");
  const config = loadConfig();
  const db = await openDb({
    url: config.databaseUrl,
    authToken: config.databaseAuthToken,
  });
  const large = Deno.args.includes("--large");
  if (await isEmpty(db)) {
    await seedDemo(db, { now: Date.now() });
    console.log(`Seeded the demo organisation into ${config.databaseUrl}`);
  } else if (!large) {
    console.log(`${config.databaseUrl} already has data; left as it is`);
  }
  if (large) {
    // --large: the list benchmark's 100,000 conversations / 1,000,000
    // messages (times BENCH_SCALE) on top of the demo organisation
    const { seedLarge } = await import("./seed_large.ts");
    const scale = Number(Deno.env.get("BENCH_SCALE") ?? "1");
    if (!(scale > 0)) throw new Error("BENCH_SCALE must be a positive number");
    const r = await seedLarge(db, {
      scale,
      now: Date.now(),
      log: (line) => console.log(`  ${line}`),
    });
    console.log(
      `Added ${r.conversations} conversations, ${r.messages} messages, ${r.contacts} contacts in ${r.ms} ms`,
    );
  }
  db.close();
}
