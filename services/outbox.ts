/**
 * The outbox worker (C6, C7): claims due jobs with a lease, sends messages
 * through the carrier adapters with retries and exponential back-off, keeps
 * each number under its rate limit, and fetches inbound media. Jobs live in
 * libSQL, so a restart loses nothing: an expired lease is claimed again.
 */
import { log } from "./log.ts";
import { and, eq, inArray, sql } from "drizzle-orm";
import {
  CarrierError,
  type DeliveryStatus,
  type OutboundMessage,
  type Provider,
} from "../carriers/types.ts";
import {
  type Conn,
  type Db,
  execRaw,
  placeholders,
  questionMarks,
  type Tx,
} from "../db/client.ts";
import {
  attachments,
  contacts,
  conversations,
  jobs,
  messages,
  numberSendSlots,
  phoneNumbers,
  reactions,
} from "../db/schema.ts";
import type { Carriers } from "./carriers.ts";
import type { Clock } from "./clock.ts";
import { appendEvents, messageUpdated } from "./events.ts";
import { GroupCommit } from "./group_commit.ts";
import { applyOrphanStatuses } from "./inbound.ts";
import { type MediaStore, sniffContentType } from "./media_store.ts";
import { signMediaUrl } from "./media_urls.ts";
import { bodyForChannel } from "./formatting.ts";
import { carrierFileName } from "./media_limits.ts";
import { businessReaction } from "./reactions.ts";

export interface OutboxOptions {
  db: Db;
  clock: Clock;
  carriers: Carriers;
  media: MediaStore;
  publicUrl: string;
  mediaUrlSecret: string;
  /** messages per second per number; 0 turns the limit off */
  ratePerSecond: number;
  owner?: string;
  pollMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
  backoffBaseMs?: number;
  sendTimeoutMs?: number;
  batchSize?: number;
  /**
   * jobs in flight at once: more sends than the carrier answers within the
   * send timeout turn into timeouts, and a timed-out send the carrier did
   * accept would be sent again
   */
  concurrency?: number;
}

type Job = Pick<
  typeof jobs.$inferSelect,
  "id" | "kind" | "refId" | "numberId" | "attempts"
>;

/** Pending, due and not leased to a live worker (`?`, `?`: now, now). */
const DUE = `state = 'pending' AND run_at <= ?
  AND (lease_until IS NULL OR lease_until < ?)`;
interface Claimed {
  job: Job;
  /** when the rate limit lets this job go */
  sendAt: number;
}

/** Back-off before attempt `attempts + 1`: base·2^(n-1), capped, ±20 %. */
export function backoffMs(attempts: number, base: number): number {
  const raw = Math.min(base * 2 ** Math.max(0, attempts - 1), 5 * 60_000);
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

export class OutboxWorker {
  readonly owner: string;
  #o: Required<OutboxOptions>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | null = null;
  #inFlight = new Set<Promise<void>>();
  #stopped = true;
  #again = false;
  #abort = new AbortController();
  #unhook: (() => void) | null = null;
  #ownWrites = 0;
  /** per number: the chain of this worker's sends, and the last's start */
  #numberTurns = new Map<number, Promise<void>>();
  #lastSendAt = new Map<number, number>();
  /** accepted sends, recorded in group commits */
  #sent = new GroupCommit<Sent, void>((batch) =>
    this.#write((tx) => recordSends(tx, this.#o.clock(), batch))
  );

  constructor(opts: OutboxOptions) {
    this.owner = opts.owner ?? crypto.randomUUID();
    this.#o = {
      pollMs: 200,
      leaseMs: 30_000,
      maxAttempts: 8,
      backoffBaseMs: 1000,
      sendTimeoutMs: 15_000,
      batchSize: 100,
      concurrency: 16,
      ...opts,
      owner: this.owner,
    };
  }

  start(): void {
    this.#stopped = false;
    this.#abort = new AbortController();
    // our own commits (claims, results) must not wake us: only others' do
    this.#unhook = this.#o.db.onCommit(() => {
      if (this.#ownWrites === 0) this.poke();
    });
    this.#tick();
  }

  /**
   * Stops claiming, hands back the jobs still waiting for their turn, and
   * waits for the sends in flight to finish (at most `sendTimeoutMs`).
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unhook?.();
    clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#running;
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Look for due jobs now (something was committed). */
  poke(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#tick();
  }

  #tick() {
    if (this.#stopped) return;
    this.#running = this.runOnce().then(() => {}, (err) => {
      if (!this.#stopped) log("error", "outbox tick failed", { error: err });
    }).finally(() => {
      this.#running = null;
      if (this.#stopped) return;
      if (this.#again) {
        this.#again = false;
        this.#tick();
      } else {
        this.#timer = setTimeout(() => this.#tick(), this.#o.pollMs);
      }
    });
  }

  /** Claims and starts the due jobs; resolves when they are claimed. */
  async runOnce(): Promise<number> {
    const claimed = await this.#claim();
    for (const c of claimed) {
      const p = this.#process(c).catch((err) =>
        log("error", "outbox job failed", { job: c.job.id, error: err })
      ).finally(() => {
        this.#inFlight.delete(p);
        // a free place: claim the next job now rather than at the next poll
        this.poke();
      });
      this.#inFlight.add(p);
    }
    return claimed.length;
  }

  /** Resolves when every job in flight has finished (tests). */
  async idle(): Promise<void> {
    while (this.#inFlight.size || this.#running) {
      await Promise.allSettled([...this.#inFlight]);
      await this.#running;
    }
  }

  /** A write of the worker's own, which does not poke the worker. */
  async #write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.#ownWrites++;
    try {
      return await this.#o.db.write(fn);
    } finally {
      this.#ownWrites--;
    }
  }

  async #claim(): Promise<Claimed[]> {
    const o = this.#o;
    if (this.#inFlight.size >= o.concurrency) return [];
    // a cheap read first: most ticks find nothing and write nothing (jobs
    // leased to a worker count as nothing, or every commit while a send is
    // in flight would cost an empty write transaction)
    const at = o.clock();
    const { rows: [any] } = await execRaw(
      o.db.orm,
      `SELECT 1 FROM jobs WHERE ${DUE} LIMIT 1`,
      [at, at],
    );
    if (!any) return [];
    return await this.#write(async (tx) => {
      const now = o.clock();
      // measured now: sends that finished together (their results commit
      // in one batch) have all freed their places by the time we get here
      const room = o.concurrency - this.#inFlight.size;
      if (room <= 0) return [];
      const due: Job[] = (await execRaw(
        tx,
        `SELECT id, kind, ref_id, number_id, attempts FROM jobs
          WHERE ${DUE} ORDER BY run_at, id LIMIT ?`,
        [now, now, Math.min(o.batchSize, room)],
      )).rows.map((r) => ({
        id: Number(r.id),
        kind: String(r.kind) as Job["kind"],
        refId: Number(r.ref_id),
        numberId: r.number_id === null ? null : Number(r.number_id),
        attempts: Number(r.attempts),
      }));
      if (due.length === 0) return [];
      const interval = o.ratePerSecond > 0 ? 1000 / o.ratePerSecond : 0;
      const numberIds = [
        ...new Set(due.map((j) => j.numberId).filter((n) => n !== null)),
      ] as number[];
      const slots = new Map<number, number>();
      // the slots matter only under a rate limit
      if (numberIds.length && interval > 0) {
        for (
          const s of await tx.select().from(numberSendSlots).where(
            inArray(numberSendSlots.numberId, numberIds),
          )
        ) slots.set(s.numberId, s.nextFreeAt);
      }
      const claimed: Claimed[] = [];
      const touched = new Set<number>();
      for (const job of due) {
        let sendAt = now;
        if (
          job.kind !== "fetch_media" && job.numberId !== null && interval > 0
        ) {
          const free = Math.max(now, slots.get(job.numberId) ?? 0);
          // take only what this number may send before the next claim
          if (free > now + o.pollMs) continue;
          sendAt = free;
          slots.set(job.numberId, free + interval);
          touched.add(job.numberId);
        }
        claimed.push({ job, sendAt });
      }
      if (claimed.length === 0) return [];
      await execRaw(
        tx,
        `UPDATE jobs SET lease_owner = ?, lease_until = ?,
            attempts = attempts + 1
          WHERE id IN (${questionMarks(claimed.length)})`,
        [this.owner, now + o.leaseMs, ...claimed.map((c) => c.job.id)],
      );
      for (const numberId of touched) {
        const nextFreeAt = slots.get(numberId)!;
        await tx.insert(numberSendSlots).values({ numberId, nextFreeAt })
          .onConflictDoUpdate({
            target: numberSendSlots.numberId,
            set: { nextFreeAt },
          });
      }
      return claimed.map((c) => ({
        ...c,
        job: { ...c.job, attempts: c.job.attempts + 1 },
      }));
    });
  }

  async #process({ job, sendAt }: Claimed) {
    let wait = sendAt - this.#o.clock();
    // The claim planned this send's slot, but timers fire late on a busy
    // machine: within this worker, also keep a number's sends at least one
    // interval apart measured from the previous send's real start.
    const interval = this.#o.ratePerSecond > 0
      ? 1000 / this.#o.ratePerSecond
      : 0;
    let release = () => {};
    if (job.kind === "send" && job.numberId !== null && interval > 0) {
      const prev = this.#numberTurns.get(job.numberId) ?? Promise.resolve();
      const turn = new Promise<void>((r) => (release = r));
      const chained = prev.then(() => turn);
      this.#numberTurns.set(job.numberId, chained);
      chained.then(() => {
        if (this.#numberTurns.get(job.numberId!) === chained) {
          this.#numberTurns.delete(job.numberId!);
        }
      });
      await prev;
      const last = this.#lastSendAt.get(job.numberId) ?? 0;
      wait = Math.max(wait, last + interval - this.#o.clock());
    }
    try {
      await this.#processAt(job, wait);
    } finally {
      release();
    }
  }

  async #processAt(job: Job, wait: number) {
    if (wait > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        this.#abort.signal.addEventListener("abort", () => {
          clearTimeout(t);
          resolve();
        }, { once: true });
      });
    }
    if (this.#abort.signal.aborted) {
      // stopped before its turn: hand the job back at once, or a restart
      // would leave it waiting out the whole lease (it was not attempted)
      await this.#write((tx) =>
        tx.update(jobs).set({
          leaseOwner: null,
          leaseUntil: null,
          attempts: sql`max(${jobs.attempts} - 1, 0)`,
        }).where(and(eq(jobs.id, job.id), eq(jobs.leaseOwner, this.owner)))
      );
      return;
    }
    if (job.kind === "send" && job.numberId !== null) {
      this.#lastSendAt.set(job.numberId, this.#o.clock());
    }
    if (job.kind === "send") await this.#send(job);
    else if (job.kind === "react") await this.#react(job);
    else await this.#fetchMedia(job);
  }

  /** Releases the job for a later attempt, or gives up after the last. */
  async #fail(
    job: Job,
    err: unknown,
    onDead: (tx: Conn, now: number, reason: string) => Promise<void>,
  ) {
    const o = this.#o;
    const retryable = !(err instanceof CarrierError) || err.retryable;
    const reason = err instanceof Error ? err.message : String(err);
    const dead = !retryable || job.attempts >= o.maxAttempts;
    await this.#write(async (tx) => {
      const now = o.clock();
      await tx.update(jobs).set({
        state: dead ? "dead" : "pending",
        runAt: dead ? now : now + backoffMs(job.attempts, o.backoffBaseMs),
        leaseOwner: null,
        leaseUntil: null,
        lastError: reason.slice(0, 500),
      }).where(and(eq(jobs.id, job.id), eq(jobs.leaseOwner, this.owner)));
      if (dead) await onDead(tx, now, reason);
    });
  }

  async #send(job: Job) {
    const o = this.#o;
    const row = await sendableMessage(o.db, job.refId);
    if (!row || row.status !== "queued") {
      // sent already (a crash after the carrier answered, before the lease
      // was released) or gone: nothing to do
      await this.#write((tx) =>
        tx.update(jobs).set({
          state: "done",
          leaseOwner: null,
          leaseUntil: null,
        })
          .where(eq(jobs.id, job.id))
      );
      return;
    }
    // an opt-out that arrived after this was queued still wins (C4)
    if (row.optedOut) {
      await this.#write(async (tx) => {
        await tx.update(jobs).set({ state: "dead", lastError: "opted out" })
          .where(eq(jobs.id, job.id));
        await writeFailureTx(
          tx,
          o.clock(),
          row,
          "The contact opted out",
          "opted_out",
        );
      });
      return;
    }
    const number = row.number;
    const adapter = o.carriers[number.provider];
    const expires = o.clock() + 15 * 60_000;
    const mediaUrls = await Promise.all(
      row.files.map((f) =>
        signMediaUrl(
          o.publicUrl,
          o.mediaUrlSecret,
          f.id,
          expires,
          carrierFileName(f.filename, f.contentType ?? ""),
        )
      ),
    );
    const viaTwilioWhatsApp = number.provider === "twilio" &&
      number.channel === "whatsapp";
    const out: OutboundMessage = {
      from: viaTwilioWhatsApp ? `whatsapp:${number.e164}` : number.e164,
      to: viaTwilioWhatsApp ? `whatsapp:${row.to}` : row.to,
      // stored once in WhatsApp markup; SMS gets it as plain text (F23)
      body: bodyForChannel(row.body, number.channel),
      mediaUrls,
      fromPhoneNumberId: number.providerNumberId ?? undefined,
      statusCallbackUrl: number.provider === "twilio"
        ? `${o.publicUrl}/webhooks/twilio/status`
        : number.provider === "telnyx"
        ? `${o.publicUrl}/webhooks/telnyx`
        : undefined,
    };
    let result;
    try {
      // not cut short by stop(): the carrier may already have the message,
      // and an aborted answer would be retried — and sent twice
      result = await adapter.send(out, AbortSignal.timeout(o.sendTimeoutMs));
    } catch (err) {
      const code = err instanceof CarrierError ? err.code ?? null : null;
      await this.#fail(
        job,
        err,
        (tx, now, reason) => writeFailureTx(tx, now, row, reason, code),
      );
      return;
    }
    // recorded together with the other sends that finish meanwhile
    await this.#sent.submit({
      jobId: job.id,
      messageId: row.messageId,
      conversationId: row.conversationId,
      inboxId: row.inboxId,
      provider: number.provider,
      providerId: result.providerId,
      status: result.status,
    });
  }

  /**
   * Sends the business's current reaction on a customer's WhatsApp message
   * ("" takes it off). Queued toggles collapse into one job: the newest
   * state is what goes.
   */
  async #react(job: Job) {
    const o = this.#o;
    const [row] = await o.db.orm.select({
      providerId: messages.providerId,
      to: contacts.e164,
      number: phoneNumbers,
    }).from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .innerJoin(phoneNumbers, eq(phoneNumbers.id, conversations.numberId))
      .where(eq(messages.id, job.refId));
    const finish = (
      tx: Conn,
      state: "done" | "dead",
      lastError: string | null,
    ) =>
      tx.update(jobs).set({
        state,
        leaseOwner: null,
        leaseUntil: null,
        lastError,
      }).where(and(eq(jobs.id, job.id), eq(jobs.leaseOwner, this.owner)));
    if (!row?.providerId || row.number.provider !== "whatsapp") {
      await this.#write((tx) => finish(tx, "dead", "nothing to react to"));
      return;
    }
    const current = await businessReaction(o.db.orm, job.refId);
    let result;
    try {
      result = await o.carriers.whatsapp.send(
        {
          from: row.number.e164,
          to: row.to,
          body: "",
          mediaUrls: [],
          fromPhoneNumberId: row.number.providerNumberId ?? undefined,
          reaction: { emoji: current.emoji, targetProviderId: row.providerId },
        },
        AbortSignal.any([
          this.#abort.signal,
          AbortSignal.timeout(o.sendTimeoutMs),
        ]),
      );
    } catch (err) {
      await this.#fail(job, err, async () => {});
      return;
    }
    await this.#write(async (tx) => {
      if (current.id !== null) {
        await tx.update(reactions).set({ providerId: result.providerId })
          .where(eq(reactions.id, current.id));
      }
      // a reaction's delivery reports concern no message of ours
      await tx.run(sql`DELETE FROM status_orphans WHERE provider = 'whatsapp'
        AND provider_id = ${result.providerId}`);
      // a toggle since the claim released the lease: that job runs again
      await finish(tx, "done", null);
    });
  }

  async #fetchMedia(job: Job) {
    const o = this.#o;
    const [row] = await o.db.orm.select({
      attachment: attachments,
      provider: messages.provider,
      conversationId: conversations.id,
      inboxId: conversations.inboxId,
    }).from(attachments)
      .innerJoin(messages, eq(messages.id, attachments.messageId))
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(eq(attachments.id, job.refId));
    const done = async (
      set: Partial<typeof attachments.$inferInsert>,
      jobState: "done" | "dead",
    ) => {
      await this.#write(async (tx) => {
        await tx.update(attachments).set(set).where(
          eq(attachments.id, job.refId),
        );
        await tx.update(jobs).set({
          state: jobState,
          leaseOwner: null,
          leaseUntil: null,
        }).where(eq(jobs.id, job.id));
        if (row) {
          await appendEvents(tx, o.clock(), [
            messageUpdated({ ...row, messageId: row.attachment.messageId }),
          ]);
        }
      });
    };
    if (!row || !row.attachment.sourceUrl || !row.provider) {
      await done({ state: "failed" }, "dead");
      return;
    }
    const adapter = o.carriers[row.provider as keyof Carriers];
    try {
      const file = await adapter.fetchMedia(
        row.attachment.sourceUrl,
        AbortSignal.any([
          this.#abort.signal,
          AbortSignal.timeout(o.sendTimeoutMs),
        ]),
      );
      const key = await o.media.put(file.bytes);
      await done({
        state: "stored",
        storageKey: key,
        size: file.bytes.length,
        contentType: sniffContentType(file.bytes),
      }, "done");
    } catch (err) {
      await this.#fail(job, err, async (tx, now) => {
        await tx.update(attachments).set({ state: "failed" }).where(
          eq(attachments.id, job.refId),
        );
        if (row) {
          await appendEvents(tx, now, [
            messageUpdated({ ...row, messageId: row.attachment.messageId }),
          ]);
        }
      });
    }
  }
}

interface FailedRow {
  messageId: number;
  conversationId: number;
  inboxId: number;
}

async function writeFailureTx(
  tx: Conn,
  now: number,
  row: FailedRow,
  reason: string,
  code: string | null,
) {
  await tx.update(messages).set({
    status: "failed",
    error: reason.slice(0, 300),
    errorCode: code,
  }).where(eq(messages.id, row.messageId));
  await appendEvents(tx, now, [messageUpdated(row)]);
}

/** A message about to go out, with what sending it needs. */
interface SendableMessage extends FailedRow {
  status: string;
  body: string;
  to: string;
  number: {
    e164: string;
    provider: Provider;
    channel: "sms" | "whatsapp";
    providerNumberId: string | null;
  };
  /** an agent's or a campaign's message to a contact who opted out since */
  optedOut: boolean;
  /** stored attachments, oldest first */
  files: { id: number; filename: string; contentType: string | null }[];
}

/**
 * Everything a send needs in one hand-written statement (it runs for every
 * message sent): the message, its conversation, contact and number, the
 * opt-out, the files.
 */
async function sendableMessage(
  db: Db,
  messageId: number,
): Promise<SendableMessage | null> {
  const [r] = (await execRaw(
    db.orm,
    `SELECT m.id, m.status, m.body, c.id AS conversation_id, c.inbox_id,
        ct.e164 AS to_e164, n.e164, n.provider, n.channel,
        n.provider_number_id,
        m.sent_by IS NOT NULL AND EXISTS (SELECT 1 FROM opt_outs o
          WHERE o.contact_id = ct.id AND o.number_id = n.id) AS opted_out,
        (SELECT json_group_array(json_array(a.id, a.filename, a.content_type))
          FROM (SELECT id, filename, content_type FROM attachments
            WHERE message_id = m.id AND state = 'stored' ORDER BY id) a
        ) AS files
      FROM messages m
      JOIN conversations c ON c.id = m.conversation_id
      JOIN contacts ct ON ct.id = c.contact_id
      JOIN phone_numbers n ON n.id = c.number_id
      WHERE m.id = ?`,
    [messageId],
  )).rows;
  if (!r) return null;
  const files = JSON.parse(String(r.files)) as [
    number,
    string,
    string | null,
  ][];
  return {
    messageId: Number(r.id),
    status: String(r.status),
    body: String(r.body),
    conversationId: Number(r.conversation_id),
    inboxId: Number(r.inbox_id),
    to: String(r.to_e164),
    number: {
      e164: String(r.e164),
      provider: String(r.provider) as Provider,
      channel: String(r.channel) as "sms" | "whatsapp",
      providerNumberId: r.provider_number_id === null
        ? null
        : String(r.provider_number_id),
    },
    optedOut: Boolean(r.opted_out),
    files: files.map(([id, filename, contentType]) => ({
      id,
      filename,
      contentType,
    })),
  };
}

/** A send the carrier accepted, to be recorded. */
interface Sent {
  jobId: number;
  messageId: number;
  conversationId: number;
  inboxId: number;
  provider: Provider;
  providerId: string;
  status: DeliveryStatus;
}

/**
 * Records accepted sends in a few statements for the whole batch: the
 * messages get their provider ids (and move on from queued), the jobs are
 * done, and delivery reports that beat us to the id are applied.
 */
async function recordSends(tx: Tx, now: number, batch: Sent[]) {
  await execRaw(
    tx,
    `WITH v(id, provider, provider_id, status) AS (
        VALUES ${placeholders(batch.length, 4)})
      UPDATE messages SET provider = v.provider, provider_id = v.provider_id,
        status = v.status
      FROM v WHERE messages.id = v.id AND messages.status = 'queued'`,
    batch.flatMap((s) => [s.messageId, s.provider, s.providerId, s.status]),
  );
  await execRaw(
    tx,
    `UPDATE jobs SET state = 'done', lease_owner = NULL, lease_until = NULL,
        last_error = NULL
      WHERE id IN (${questionMarks(batch.length)})`,
    batch.map((s) => s.jobId),
  );
  await appendEvents(tx, now, batch.map((s) => messageUpdated(s)));
  await applyOrphanStatuses(tx, now, batch);
}
