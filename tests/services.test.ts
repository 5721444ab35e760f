import assert from "node:assert/strict";
import type { Db } from "../db/client.ts";
import {
  DEFAULT_FILTERS,
  listConversations,
} from "../services/conversation_list.ts";
import { conversationSummaries, markRead } from "../services/conversations.ts";
import { DomainError, Invalid, NotFound } from "../services/errors.ts";
import {
  type EventBatch,
  EventBus,
  isVisibleTo,
} from "../services/event_bus.ts";
import type { StoredEvent } from "../services/events.ts";
import { MAX_BODY, previewOf, sendReply } from "../services/messages.ts";
import { findUser, type User } from "../services/users.ts";
import { countRows, demoIds, testClock, testDb } from "./helpers.ts";

async function demo(db: Db) {
  const ids = await demoIds(db);
  const user = async (name: string): Promise<User> =>
    (await findUser(db.orm, ids.users[name]))!;
  return {
    ...ids,
    ana: await user("ana"),
    luis: await user("luis"),
    maria: await user("maria"),
  };
}

async function writes(db: Db) {
  return {
    messages: await countRows(db, "messages"),
    events: await countRows(db, "events"),
    reads: await countRows(db, "conversation_reads"),
  };
}

/** Runs `fn` and returns the DomainError it throws. */
async function refusal(fn: () => Promise<unknown>): Promise<DomainError> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof DomainError, `a DomainError, got ${err}`);
    return err;
  }
  assert.fail("expected a refusal");
}

Deno.test("previewOf flattens whitespace and keeps short bodies whole", () => {
  assert.equal(previewOf("  Hello\n\n  there\tfriend  "), "Hello there friend");
  assert.equal(previewOf(""), "");
  const exact = "x".repeat(140);
  assert.equal(previewOf(exact), exact);
});

Deno.test("previewOf cuts long bodies to 140 characters with an ellipsis", () => {
  const p = previewOf("word ".repeat(100));
  assert.equal(p.length, 140);
  assert.ok(p.endsWith("…"));
  assert.ok(p.startsWith("word word"));
});

Deno.test("previewOf never cuts an emoji in half", () => {
  // 🙏 is two UTF-16 units; the cut at 139 would split the first one
  const body = "a".repeat(138) + "🙏🙏🙏";
  const p = previewOf(body);
  assert.ok(p.isWellFormed(), "no lone surrogate");
  assert.ok(p.length <= 140);
  assert.ok(p.endsWith("…"));
});

Deno.test("sendReply refuses an empty or too long body and writes nothing", async () => {
  const db = await testDb();
  try {
    const { ana } = await demo(db);
    const clock = testClock();
    const before = await writes(db);
    for (const body of ["", "  \r\n\t "]) {
      const err = await refusal(() =>
        sendReply(db, clock, ana, { conversationId: 1, body })
      );
      assert.ok(err instanceof Invalid);
      assert.equal(err.status, 422);
      assert.equal(err.key, "composer.empty");
    }
    const long = await refusal(() =>
      sendReply(db, clock, ana, {
        conversationId: 1,
        body: "x".repeat(MAX_BODY + 1),
      })
    );
    assert.equal(long.key, "composer.too_long");
    assert.deepEqual(await writes(db), before);

    // the limit is inclusive, counted after trimming; CRLF becomes LF
    const ok = await sendReply(db, clock, ana, {
      conversationId: 1,
      body: `  ${"y".repeat(MAX_BODY - 2)}\r\nz  `,
    });
    const [row] = (await db.client.execute(
      `select body, status from messages where id = ${ok.id}`,
    )).rows;
    assert.equal(row.body, `${"y".repeat(MAX_BODY - 2)}\nz`);
    assert.equal(row.status, "queued");
  } finally {
    db.close();
  }
});

Deno.test("sendReply refuses a conversation outside the user's inboxes as not found", async () => {
  const db = await testDb();
  try {
    const { luis, conversations } = await demo(db);
    const sales = conversations.find((c) => c.inbox === "Sales")!.id;
    const before = await writes(db);
    for (const conversationId of [sales, 99_999]) {
      const err = await refusal(() =>
        sendReply(db, testClock(), luis, { conversationId, body: "hi" })
      );
      assert.ok(err instanceof NotFound);
      assert.equal(err.status, 404);
    }
    assert.deepEqual(await writes(db), before);
  } finally {
    db.close();
  }
});

Deno.test("sendReply stores the message, moves the conversation up and appends one event", async () => {
  const db = await testDb();
  try {
    const { ana, inboxes } = await demo(db);
    const clock = testClock(Date.now() + 60_000);
    const sent = await sendReply(db, clock, ana, {
      conversationId: 1,
      body: "Tracking: 1Z999",
    });
    assert.deepEqual(
      { ...sent, id: 0 },
      {
        id: 0,
        conversationId: 1,
        inboxId: inboxes.Support,
        duplicate: false,
      },
    );
    const [conv] = (await db.client.execute(
      "select last_message_at, last_message_id, preview from conversations where id = 1",
    )).rows;
    assert.equal(conv.last_message_at, clock());
    assert.equal(conv.last_message_id, sent.id);
    assert.equal(conv.preview, "Tracking: 1Z999");
    const events = (await db.client.execute(
      `select kind, inbox_id, conversation_id, payload from events where message_id = ${sent.id}`,
    )).rows;
    assert.equal(events.length, 1);
    assert.equal(events[0].kind, "message.created");
    assert.equal(events[0].inbox_id, inboxes.Support);
    assert.deepEqual(JSON.parse(String(events[0].payload)), { by: ana.id });
    // the sender has read their own reply
    const summary = (await conversationSummaries(db.orm, ana.id, [1])).get(1)!;
    assert.equal(summary.unread, false);
  } finally {
    db.close();
  }
});

Deno.test("sendReply with the same client key stores one message", async () => {
  const db = await testDb();
  try {
    const { ana, luis } = await demo(db);
    const clock = testClock();
    const input = { conversationId: 1, body: "once", clientKey: "key-000001" };
    const first = await sendReply(db, clock, ana, input);
    const before = await writes(db);
    const second = await sendReply(db, clock, ana, input);
    assert.equal(first.duplicate, false);
    assert.equal(second.duplicate, true);
    assert.equal(second.id, first.id);
    assert.deepEqual(await writes(db), before);
    // keys belong to their sender: luis's identical key is his own message
    const other = await sendReply(db, clock, luis, input);
    assert.equal(other.duplicate, false);
    assert.notEqual(other.id, first.id);
  } finally {
    db.close();
  }
});

Deno.test("a client key reused on another conversation is refused, not answered with the first message", async () => {
  const db = await testDb();
  try {
    const { ana } = await demo(db);
    const clock = testClock();
    await sendReply(db, clock, ana, {
      conversationId: 1,
      body: "for Carmen",
      clientKey: "key-reused-1",
    });
    const before = await writes(db);
    const err = await refusal(() =>
      sendReply(db, clock, ana, {
        conversationId: 2,
        body: "for John",
        clientKey: "key-reused-1",
      })
    );
    assert.equal(err.status, 422);
    assert.deepEqual(await writes(db), before);
  } finally {
    db.close();
  }
});

Deno.test("listConversations pages by keyset, newest first, ties broken by id", async () => {
  const db = await testDb();
  try {
    const { ana, inboxes } = await demo(db);
    const support = inboxes.Support;
    // conversations 1 and 2 share one last activity: 2 (higher id) first
    await db.client.execute(
      "update conversations set last_message_at = (select last_message_at from conversations where id = 1) where id = 2",
    );
    const list = (
      opts: Parameters<typeof listConversations>[4],
      status: "open" | "closed" = "open",
    ) =>
      listConversations(db.orm, ana, support, {
        ...DEFAULT_FILTERS,
        status,
      }, opts);
    const p1 = await list({ limit: 2 });
    assert.deepEqual(p1.rows.map((r) => r.id), [3, 2]);
    assert.ok(p1.next);
    const p2 = await list({ limit: 2, cursor: p1.next });
    assert.deepEqual(p2.rows.map((r) => r.id), [1]);
    assert.equal(p2.next, null);
    // a full page that happens to be the last has no next page either
    const all = await list({ limit: 3 });
    assert.equal(all.rows.length, 3);
    assert.equal(all.next, null);
    const closed = await list({}, "closed");
    assert.deepEqual(closed.rows.map((r) => r.id), [4]);
    // rows carry what the list shows
    const carmen = p2.rows[0];
    assert.equal(carmen.contactName, "Carmen Ruiz");
    assert.equal(carmen.channel, "sms");
    assert.equal(carmen.preview, "Thanks 🙏");
    assert.equal(carmen.unread, true);
    // and only members may list
    const { luis } = await demo(db);
    const err = await refusal(() =>
      listConversations(db.orm, luis, inboxes.Sales, DEFAULT_FILTERS)
    );
    assert.ok(err instanceof NotFound);
  } finally {
    db.close();
  }
});

Deno.test("markRead marks a conversation read for that user only, once", async () => {
  const db = await testDb();
  try {
    const { ana, luis, conversations } = await demo(db);
    const clock = testClock();
    const unread = async (u: User) =>
      (await conversationSummaries(db.orm, u.id, [1])).get(1)!.unread;
    assert.equal(await unread(ana), true);
    assert.equal(await unread(luis), true);
    const before = await countRows(db, "events");
    await markRead(db, clock, ana, 1);
    assert.equal(await unread(ana), false);
    assert.equal(await unread(luis), true);
    const [event] = (await db.client.execute(
      "select kind, user_id, conversation_id from events order by id desc limit 1",
    )).rows;
    assert.deepEqual({ ...event }, {
      kind: "conversation.read",
      user_id: ana.id,
      conversation_id: 1,
    });
    // reading again changes nothing and tells nobody
    await markRead(db, clock, ana, 1);
    assert.equal(await countRows(db, "events"), before + 1);
    // a new message makes it unread again for ana
    await sendReply(db, clock, luis, { conversationId: 1, body: "new" });
    assert.equal(await unread(ana), true);
    assert.equal(await unread(luis), false);

    const sales = conversations.find((c) => c.inbox === "Sales")!.id;
    const err = await refusal(() => markRead(db, clock, luis, sales));
    assert.ok(err instanceof NotFound);
  } finally {
    db.close();
  }
});

function event(fields: Partial<StoredEvent>): StoredEvent {
  return {
    id: 1,
    kind: "message.created",
    inboxId: null,
    chatId: null,
    userId: null,
    conversationId: null,
    messageId: null,
    payload: "{}",
    createdAt: 0,
    ...fields,
  };
}

Deno.test("isVisibleTo shows inbox events to members and personal events to their user", () => {
  const luis = { userId: 4, inboxIds: new Set([1]) };
  assert.equal(isVisibleTo(luis, event({ inboxId: 1 })), true);
  assert.equal(isVisibleTo(luis, event({ inboxId: 2 })), false);
  assert.equal(isVisibleTo(luis, event({ userId: 4 })), true);
  assert.equal(isVisibleTo(luis, event({ userId: 3 })), false);
  // a personal event in luis's inbox is still someone else's
  assert.equal(isVisibleTo(luis, event({ userId: 3, inboxId: 1 })), false);
  assert.equal(isVisibleTo(luis, event({})), false);
});

Deno.test("the event bus hands a committed event to its subscribers", async () => {
  const db = await testDb();
  // a long poll: delivery must come from the commit hook, not the timer
  const bus = new EventBus(db, 60_000);
  await bus.start();
  try {
    const { ana, maria, conversations } = await demo(db);
    const got = Promise.withResolvers<EventBatch>();
    const seen: StoredEvent[] = [];
    const unsubscribe = bus.subscribe({
      userId: 4,
      inboxIds: new Set([1]),
      deliver(batch) {
        seen.push(...batch.events);
        if (batch.events.some((e) => e.kind === "message.created")) {
          got.resolve(batch);
        }
      },
    });
    assert.equal(bus.subscriberCount, 1);
    const sent = await sendReply(db, testClock(), ana, {
      conversationId: 1,
      body: "to everyone in Support",
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const batch = await Promise.race([
      got.promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("no batch in 1 s")), 1000);
      }),
    ]).finally(() => clearTimeout(timer));
    const created = batch.events.find((e) => e.kind === "message.created")!;
    assert.equal(created.messageId, sent.id);
    assert.equal(created.inboxId, 1);
    assert.ok(bus.lastId >= created.id);
    // the batch shares work between subscribers
    let made = 0;
    assert.equal(batch.once("k", () => ++made), 1);
    assert.equal(batch.once("k", () => ++made), 1);

    // the bus delivers everything; the subscriber filters with isVisibleTo
    const sales = conversations.find((c) => c.inbox === "Sales")!.id;
    const salesSent = await sendReply(db, testClock(), maria, {
      conversationId: sales,
      body: "Sales only",
    });
    bus.poke();
    await new Promise((r) => setTimeout(r, 50));
    const salesEvent = seen.find((e) => e.messageId === salesSent.id);
    assert.ok(salesEvent, "the bus read the Sales event");
    assert.equal(
      isVisibleTo({ userId: 4, inboxIds: new Set([1]) }, salesEvent),
      false,
    );
    unsubscribe();
    assert.equal(bus.subscriberCount, 0);
  } finally {
    await bus.stop();
    db.close();
  }
});
