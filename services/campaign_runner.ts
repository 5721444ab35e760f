/**
 * The campaign runner: a worker like the outbox. It takes a lease on each
 * running campaign (one app instance works a campaign at a time; a crashed
 * instance's lease runs out and another takes over) and moves due
 * recipients into messages, a batch per transaction: the message, its
 * outbox job, its event and the recipient's `queued` + message id commit
 * together, so a restart resumes where the last commit left off and never
 * sends twice. The outbox then sends them under its per-number rate limit.
 *
 * Per batch it skips recipients who opted out or became spam since they
 * were added, holds those inside their quiet hours until their morning
 * (campaign_recipients.not_before), and adds the opt-out instruction to a
 * contact's first message from the number; with the campaign's file, each
 * message gets an attachment naming the one stored copy (so it goes as
 * MMS). It queues only a few seconds' worth of sending ahead of the
 * outbox, so a pause or the evening's quiet hours take effect at once.
 */
import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import { type Db, execRaw, placeholders, type Tx } from "../db/client.ts";
import {
  attachments,
  campaignRecipients,
  campaigns,
  contacts,
  conversations,
  jobs,
  phoneNumbers,
  users,
} from "../db/schema.ts";
import { storedFileRow } from "./attachments.ts";
import { campaignFile } from "./campaign_media.ts";
import {
  hasOptOutInstruction,
  renderCampaignMessage,
} from "./campaign_message.ts";
import {
  type Campaign,
  campaignEvent,
  contactsMessagedFrom,
  HELD_RUN_AT,
  optedOutOf,
  optOutFooter,
  skipBlockedRecipients,
} from "./campaigns.ts";
import type { Clock } from "./clock.ts";
import { appendEvents, type NewEvent } from "./events.ts";
import { log } from "./log.ts";
import { insertOutbounds } from "./messages.ts";
import { nextSendableAt, recipientZone } from "./quiet_hours.ts";

export interface CampaignRunnerOptions {
  db: Db;
  clock: Clock;
  /** quiet hours for numbers whose area code we cannot place */
  defaultTimeZone: string;
  /** the outbox's messages per second per number (0: no limit) */
  ratePerSecond: number;
  owner?: string;
  pollMs?: number;
  leaseMs?: number;
  batchSize?: number;
  /** seconds of sending queued ahead of the outbox, per number */
  aheadSeconds?: number;
  /** at most this many sends waiting in the outbox per number (benchmarks) */
  maxAhead?: number;
}

interface Due {
  id: number;
  contactId: number | null;
  e164: string;
}

export class CampaignRunner {
  readonly owner: string;
  #o: Required<CampaignRunnerOptions>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | null = null;
  #stopped = true;
  /** stop() was called: a pass in progress ends after its current batch */
  #halted = false;
  #again = false;

  constructor(opts: CampaignRunnerOptions) {
    this.owner = opts.owner ?? crypto.randomUUID();
    this.#o = {
      pollMs: 500,
      leaseMs: 30_000,
      // small: the native driver runs each statement on this thread, so a
      // batch holds up this process's HTTP (webhooks, pages) until it
      // commits; measured faster end to end than larger batches, and than
      // yielding inside the transaction (which holds the write lock idle)
      batchSize: 25,
      aheadSeconds: 30,
      maxAhead: 0,
      ...opts,
      owner: this.owner,
    };
  }

  start(): void {
    this.#stopped = false;
    this.#halted = false;
    this.#tick();
  }

  /** Stops, waits for the batch in hand, and gives its leases back. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#halted = true;
    clearTimeout(this.#timer);
    await this.#running;
    await this.#o.db.write((tx) =>
      tx.update(campaigns).set({ leaseOwner: null, leaseUntil: null }).where(
        eq(campaigns.leaseOwner, this.owner),
      )
    );
  }

  /** Look for due work now. */
  poke(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#tick();
  }

  /** Resolves when the current pass is over (tests). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  #tick() {
    if (this.#stopped) return;
    this.#running = this.runOnce().then((moved) => {
      // a full batch: there may be more due right away
      if (moved > 0) this.#again = true;
    }, (err) => {
      if (!this.#stopped) {
        log("error", "campaign runner failed", {
          owner: this.owner,
          error: err,
        });
      }
    }).finally(() => {
      this.#running = null;
      if (this.#stopped) return;
      if (this.#again) {
        this.#again = false;
        this.#timer = setTimeout(() => this.#tick(), 0);
      } else {
        this.#timer = setTimeout(() => this.#tick(), this.#o.pollMs);
      }
    });
  }

  /** How many sends may wait in the outbox for one number. */
  get #ahead(): number {
    if (this.#o.maxAhead > 0) return this.#o.maxAhead;
    const rate = this.#o.ratePerSecond;
    if (rate <= 0) return 20 * this.#o.batchSize;
    return Math.max(5, Math.ceil(rate * this.#o.aheadSeconds));
  }

  /**
   * One pass: starts scheduled campaigns that are due, takes or renews
   * leases, and moves one batch of each leased campaign. Returns how many
   * recipients it handed to the outbox or skipped. Everything is read
   * first; a write (a commit costs a disk flush) happens only for a change.
   */
  async runOnce(): Promise<number> {
    const o = this.#o;
    const now = o.clock();
    const live = await o.db.orm.select({
      id: campaigns.id,
      status: campaigns.status,
      scheduledAt: campaigns.scheduledAt,
      leaseOwner: campaigns.leaseOwner,
      leaseUntil: campaigns.leaseUntil,
    }).from(campaigns).where(
      inArray(campaigns.status, ["running", "scheduled"]),
    );
    if (live.length === 0) return 0;
    const dueToStart = live.some((c) =>
      c.status === "scheduled" && (c.scheduledAt ?? 0) <= now
    );
    // take a free or expired lease; renew ours when half of it is gone
    const wanted = live.some((c) =>
      c.status === "running" &&
      (c.leaseUntil === null || c.leaseUntil < now ||
        (c.leaseOwner === this.owner && c.leaseUntil - now < o.leaseMs / 2))
    );
    if (dueToStart || wanted) {
      await o.db.write(async (tx) => {
        const at = o.clock();
        const started = await tx.update(campaigns).set({
          status: "running",
          startedAt: at,
        }).where(and(
          eq(campaigns.status, "scheduled"),
          lte(campaigns.scheduledAt, at),
        )).returning();
        await appendEvents(tx, at, started.map(campaignEvent));
        await tx.update(campaigns).set({
          leaseOwner: this.owner,
          leaseUntil: at + o.leaseMs,
        }).where(and(
          eq(campaigns.status, "running"),
          or(
            isNull(campaigns.leaseUntil),
            sql`${campaigns.leaseUntil} < ${at}`,
            eq(campaigns.leaseOwner, this.owner),
          ),
        ));
      });
    }
    const mine = await o.db.orm.select().from(campaigns).where(and(
      eq(campaigns.status, "running"),
      eq(campaigns.leaseOwner, this.owner),
      sql`${campaigns.leaseUntil} >= ${o.clock()}`,
    ));
    let moved = 0;
    for (const c of mine) {
      if (this.#halted) break;
      moved += await this.#advance(c);
    }
    return moved;
  }

  /**
   * Moves the campaign's next batch of due recipients, if the outbox has
   * room for them; finishes the campaign when nothing is left to do.
   */
  async #advance(c: Campaign): Promise<number> {
    const o = this.#o;
    const db = o.db;
    const now = o.clock();
    const [number] = await db.orm.select().from(phoneNumbers).where(
      eq(phoneNumbers.id, c.numberId),
    );
    if (
      !number || number.channel !== "sms" ||
      number.registration !== "approved" || number.inboxId !== c.inboxId
    ) {
      // the number lost its registration (or its inbox): stop, visibly
      await db.write(async (tx) => {
        const [held] = await this.#fence(tx, c.id);
        if (!held) return;
        await tx.update(campaigns).set({ status: "paused" }).where(
          eq(campaigns.id, c.id),
        );
        await appendEvents(tx, now, [campaignEvent(c)]);
      });
      return 0;
    }
    const [{ waiting }] = await db.orm.select({
      waiting: sql<number>`count(*)`,
    }).from(jobs).where(and(
      eq(jobs.state, "pending"),
      eq(jobs.numberId, c.numberId),
      sql`${jobs.runAt} < ${HELD_RUN_AT}`,
    ));
    const room = Math.min(o.batchSize, this.#ahead - Number(waiting));
    if (room <= 0) return 0;
    const dueNow = and(
      eq(campaignRecipients.campaignId, c.id),
      eq(campaignRecipients.status, "pending"),
      or(
        isNull(campaignRecipients.notBefore),
        lte(campaignRecipients.notBefore, now),
      ),
    );
    const [anyDue] = await db.orm.select({ id: campaignRecipients.id }).from(
      campaignRecipients,
    ).where(dueNow).limit(1);
    if (!anyDue) {
      if (await this.#isFinished(c)) {
        await db.write(async (tx) => {
          const [held] = await this.#fence(tx, c.id);
          if (!held || !(await this.#isFinished(c, tx))) return;
          await tx.update(campaigns).set({
            status: "done",
            finishedAt: now,
            leaseOwner: null,
            leaseUntil: null,
          }).where(eq(campaigns.id, c.id));
          await appendEvents(tx, now, [campaignEvent(c)]);
        });
      }
      return 0;
    }
    return await db.write(async (tx) => {
      // the lease is checked again inside the write: a runner whose lease
      // ran out while it was busy finds the campaign no longer its own
      const [held] = await this.#fence(tx, c.id);
      if (!held) return 0;
      const due: Due[] = await tx.select({
        id: campaignRecipients.id,
        contactId: campaignRecipients.contactId,
        e164: campaignRecipients.e164,
      }).from(campaignRecipients).where(dueNow)
        .orderBy(asc(campaignRecipients.id)).limit(room);
      if (due.length === 0) return 0;
      return await this.#moveBatch(tx, held, due, now);
    });
  }

  /** The campaign, if it is running and still leased to this runner. */
  #fence(tx: Tx, campaignId: number) {
    return tx.select().from(campaigns).where(and(
      eq(campaigns.id, campaignId),
      eq(campaigns.status, "running"),
      eq(campaigns.leaseOwner, this.owner),
    ));
  }

  /** Nobody pending, and no message of the campaign still in the outbox. */
  async #isFinished(c: Campaign, conn: Tx | Db["orm"] = this.#o.db.orm) {
    const rows = await conn.all<{ n: number }>(sql`
      SELECT 1 AS n FROM campaign_recipients r
      WHERE r.campaign_id = ${c.id} AND r.status = 'pending'
      UNION ALL
      SELECT 1 AS n FROM campaign_recipients r
      JOIN messages m ON m.id = r.message_id
      WHERE r.campaign_id = ${c.id} AND r.status = 'queued'
        AND m.status = 'queued'
      LIMIT 1`);
    return rows.length === 0;
  }

  async #moveBatch(
    tx: Tx,
    c: Campaign,
    due: Due[],
    now: number,
  ): Promise<number> {
    const o = this.#o;
    // contacts added by number only, from an older list: make them now
    const bare = due.filter((r) => r.contactId === null);
    if (bare.length) {
      await tx.insert(contacts).values(
        bare.map((r) => ({ e164: r.e164, name: "", createdAt: now })),
      ).onConflictDoNothing();
      const found = await tx.select({ id: contacts.id, e164: contacts.e164 })
        .from(contacts).where(inArray(contacts.e164, bare.map((r) => r.e164)));
      const idOf = new Map(found.map((f) => [f.e164, f.id]));
      for (const r of bare) r.contactId = idOf.get(r.e164) ?? null;
    }
    const contactIds = due.map((r) => r.contactId!);
    const people = new Map(
      (await tx.select({
        id: contacts.id,
        name: contacts.name,
        spam: contacts.spam,
      }).from(contacts).where(inArray(contacts.id, contactIds))).map((
        p,
      ) => [p.id, p]),
    );
    const optedOut = await optedOutOf(tx, c.numberId, contactIds);

    const held: { id: number; at: number }[] = [];
    const skipped: Due[] = [];
    const send: Due[] = [];
    for (const r of due) {
      if (optedOut.has(r.contactId!) || people.get(r.contactId!)?.spam) {
        skipped.push(r);
        continue;
      }
      const zone = recipientZone(r.e164, o.defaultTimeZone);
      const at = nextSendableAt(now, zone, {
        start: c.quietStart,
        end: c.quietEnd,
      });
      if (at > now) held.push({ id: r.id, at });
      else send.push(r);
    }
    if (held.length) {
      await execRaw(
        tx,
        `WITH v(rid, at) AS (VALUES ${placeholders(held.length, 2)})
          UPDATE campaign_recipients SET not_before = v.at
          FROM v WHERE campaign_recipients.id = v.rid`,
        held.flatMap((h) => [h.id, h.at]),
      );
    }
    if (skipped.length) await skipBlockedRecipients(tx, c);

    if (send.length) {
      const sendIds = send.map((r) => r.contactId!);
      // the conversation an answer would land in: the open one, else the
      // newest closed one (as inbound picks it); none yet: a new, closed
      // one, so the campaign does not fill the open list before anyone
      // answers
      const convs = await tx.select({
        id: conversations.id,
        contactId: conversations.contactId,
        status: conversations.status,
      }).from(conversations).where(and(
        eq(conversations.numberId, c.numberId),
        inArray(conversations.contactId, sendIds),
      ));
      const convOf = new Map<number, { id: number; rank: number }>();
      for (const cv of convs) {
        const rank = (cv.status === "open" ? 1e15 : 0) + cv.id;
        const best = convOf.get(cv.contactId);
        if (!best || rank > best.rank) {
          convOf.set(cv.contactId, { id: cv.id, rank });
        }
      }
      const missing = sendIds.filter((id) => !convOf.has(id));
      if (missing.length) {
        const created = await tx.insert(conversations).values(
          missing.map((contactId) => ({
            inboxId: c.inboxId,
            contactId,
            numberId: c.numberId,
            status: "closed" as const,
            openedAt: now,
            closedAt: now,
            lastMessageAt: now,
          })),
        ).returning({
          id: conversations.id,
          contactId: conversations.contactId,
        });
        for (const cv of created) {
          convOf.set(cv.contactId, { id: cv.id, rank: 0 });
        }
      }
      const messaged = await contactsMessagedFrom(tx, c.numberId, sendIds);
      const footer = hasOptOutInstruction(c.body)
        ? null
        : await optOutFooter(tx, c);
      const [author] = await tx.select({ name: users.name }).from(users).where(
        eq(users.id, c.createdBy),
      );
      // the whole batch in a fixed number of statements, whatever its size
      const messageIds = await insertOutbounds(
        tx,
        now,
        send.map((r) => ({
          conversationId: convOf.get(r.contactId!)!.id,
          inboxId: c.inboxId,
          body: renderCampaignMessage(c.body, {
            contactName: people.get(r.contactId!)?.name ?? "",
            agentName: author?.name ?? "",
          }, messaged.has(r.contactId!) ? null : footer),
          sentBy: c.createdBy,
          // unique per author: the database itself refuses a second
          // message for the same recipient
          clientKey: `campaign:${c.id}:${r.id}`,
        })),
      );
      const queued = send.map((r, i) => ({
        id: r.id,
        messageId: messageIds[i],
        contactId: r.contactId!,
      }));
      // the campaign's file: one attachment row per message, all naming
      // the one stored copy, in one statement
      const file = campaignFile(c);
      if (file) {
        await tx.insert(attachments).values(queued.map((q) => ({
          messageId: q.messageId,
          state: "stored" as const,
          ...storedFileRow(file, now),
        })));
      }
      const values = sql.join(
        queued.map((q) => sql`(${q.id}, ${q.messageId}, ${q.contactId})`),
        sql`, `,
      );
      await tx.run(sql`WITH v(rid, mid, cid) AS (VALUES ${values})
        UPDATE campaign_recipients SET status = 'queued', not_before = NULL,
          message_id = (SELECT mid FROM v WHERE rid = campaign_recipients.id),
          contact_id = (SELECT cid FROM v WHERE rid = campaign_recipients.id)
        WHERE id IN (SELECT rid FROM v) AND status = 'pending'`);
    }
    const events: NewEvent[] = [campaignEvent(c)];
    await appendEvents(tx, now, events);
    // held recipients do not count: they are not due any more
    return send.length + skipped.length;
  }
}
