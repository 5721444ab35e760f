/**
 * A draft campaign's audience: contacts with a tag of the campaign's inbox,
 * the user's favourites, a pasted or uploaded list of numbers, or numbers
 * typed by hand (a list of one). Opted-out and spam contacts are added as
 * skipped, so they are counted and listed but never sent to; the report
 * says what happened to every row that was not simply added.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db, Tx } from "../db/client.ts";
import {
  campaignRecipients,
  contactFavourites,
  contacts,
  conversations,
  conversationTags,
  tags,
} from "../db/schema.ts";
import { parseAudienceList, type RowProblem } from "./audience_csv.ts";
import type { Clock } from "./clock.ts";
import {
  type Campaign,
  campaignEvent,
  optedOutOf,
  requireDraft,
} from "./campaigns.ts";
import { Invalid, NotFound } from "./errors.ts";
import { appendEvent } from "./events.ts";
import type { User } from "./users.ts";

/** The most recipients one campaign may have. */
export const MAX_RECIPIENTS = 50_000;
/** Rows of a report kept for display. */
const REPORT_ROWS = 500;
const CHUNK = 500;

export type AudienceSource =
  | { kind: "tag"; tagId: number }
  | { kind: "favourites" }
  | { kind: "list"; text: string };

export type ReportProblem = RowProblem | "already" | "opted_out" | "spam";

export interface ReportRow {
  /** the list's line, for a pasted or uploaded list */
  line: number | null;
  raw: string;
  name: string;
  problem: ReportProblem;
}

export interface AudienceReport {
  source: AudienceSource["kind"];
  /** rows read from the list, or contacts found */
  read: number;
  /** new recipients who will get the message */
  added: number;
  counts: Record<ReportProblem, number>;
  /** the rows with a problem, up to 500 */
  rows: ReportRow[];
  /** the list had more rows than we read */
  truncated: boolean;
}

interface Candidate {
  contactId: number;
  e164: string;
  name: string;
  spam: boolean;
  line: number | null;
  raw: string;
}

async function contactsWithTag(
  tx: Tx,
  campaign: Campaign,
  tagId: number,
): Promise<Candidate[]> {
  const [tag] = await tx.select({ id: tags.id }).from(tags).where(and(
    eq(tags.id, tagId),
    eq(tags.inboxId, campaign.inboxId),
  ));
  if (!tag) throw new NotFound("No such tag");
  const rows = await tx.selectDistinct({
    contactId: contacts.id,
    e164: contacts.e164,
    name: contacts.name,
    spam: contacts.spam,
  }).from(conversationTags)
    .innerJoin(
      conversations,
      eq(conversations.id, conversationTags.conversationId),
    )
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(
      eq(conversationTags.tagId, tag.id),
      eq(conversations.inboxId, campaign.inboxId),
    ));
  return rows.map((r) => ({ ...r, line: null, raw: r.e164 }));
}

async function favouriteContacts(tx: Tx, user: User): Promise<Candidate[]> {
  const rows = await tx.select({
    contactId: contacts.id,
    e164: contacts.e164,
    name: contacts.name,
    spam: contacts.spam,
  }).from(contactFavourites)
    .innerJoin(contacts, eq(contacts.id, contactFavourites.contactId))
    .where(eq(contactFavourites.userId, user.id));
  return rows.map((r) => ({ ...r, line: null, raw: r.e164 }));
}

/**
 * The list's numbers as contacts: new numbers become contacts (named from
 * the list), a known contact without a name gets the list's name.
 */
async function listContacts(
  tx: Tx,
  now: number,
  rows: { line: number; raw: string; e164: string; name: string }[],
): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await tx.insert(contacts).values(
      chunk.map((r) => ({ e164: r.e164, name: r.name, createdAt: now })),
    ).onConflictDoNothing();
    const found = await tx.select({
      id: contacts.id,
      e164: contacts.e164,
      name: contacts.name,
      spam: contacts.spam,
    }).from(contacts).where(inArray(contacts.e164, chunk.map((r) => r.e164)));
    const byE164 = new Map(found.map((f) => [f.e164, f]));
    for (const r of chunk) {
      const c = byE164.get(r.e164)!;
      let name = c.name;
      if (!name && r.name) {
        await tx.update(contacts).set({ name: r.name }).where(
          eq(contacts.id, c.id),
        );
        name = r.name;
      }
      out.push({
        contactId: c.id,
        e164: c.e164,
        name,
        spam: c.spam,
        line: r.line,
        raw: r.raw,
      });
    }
  }
  return out;
}

/** Adds recipients to a draft campaign and reports on every row. */
export async function addAudience(
  db: Db,
  clock: Clock,
  user: User,
  campaignId: number,
  source: AudienceSource,
): Promise<AudienceReport> {
  const parsed = source.kind === "list"
    ? parseAudienceList(source.text, MAX_RECIPIENTS)
    : null;
  if (parsed && parsed.rows.length === 0) {
    throw new Invalid("The list has no numbers in it", "campaign.list_empty");
  }
  return await db.write(async (tx) => {
    const campaign = await requireDraft(tx, user, campaignId);
    const now = clock();
    const report: AudienceReport = {
      source: source.kind,
      read: 0,
      added: 0,
      counts: {
        invalid: 0,
        duplicate: 0,
        already: 0,
        opted_out: 0,
        spam: 0,
      },
      rows: [],
      truncated: parsed?.truncated ?? false,
    };
    const note = (row: ReportRow) => {
      report.counts[row.problem]++;
      if (report.rows.length < REPORT_ROWS) report.rows.push(row);
    };

    let candidates: Candidate[];
    if (source.kind === "tag") {
      candidates = await contactsWithTag(tx, campaign, source.tagId);
    } else if (source.kind === "favourites") {
      candidates = await favouriteContacts(tx, user);
    } else {
      const good: { line: number; raw: string; e164: string; name: string }[] =
        [];
      for (const r of parsed!.rows) {
        if (r.problem) {
          note({ line: r.line, raw: r.raw, name: r.name, problem: r.problem });
        } else good.push({ ...r, e164: r.e164! });
      }
      candidates = await listContacts(tx, now, good);
    }
    report.read = parsed ? parsed.rows.length : candidates.length;

    const existing = new Set(
      (await tx.select({ e164: campaignRecipients.e164 }).from(
        campaignRecipients,
      ).where(eq(campaignRecipients.campaignId, campaign.id))).map((r) =>
        r.e164
      ),
    );
    const fresh = candidates.filter((c) => {
      if (!existing.has(c.e164)) return true;
      note({ line: c.line, raw: c.raw, name: c.name, problem: "already" });
      return false;
    });
    if (existing.size + fresh.length > MAX_RECIPIENTS) {
      throw new Invalid(
        `A campaign may have at most ${MAX_RECIPIENTS} recipients`,
        "campaign.too_many",
      );
    }
    const optedOut = new Set<number>();
    for (let i = 0; i < fresh.length; i += CHUNK) {
      const ids = fresh.slice(i, i + CHUNK).map((c) => c.contactId);
      for (const id of await optedOutOf(tx, campaign.numberId, ids)) {
        optedOut.add(id);
      }
    }
    const values = fresh.map((c) => {
      const skip = optedOut.has(c.contactId)
        ? "opted_out" as const
        : c.spam
        ? "spam" as const
        : null;
      if (skip) note({ line: c.line, raw: c.raw, name: c.name, problem: skip });
      else report.added++;
      return {
        campaignId: campaign.id,
        contactId: c.contactId,
        e164: c.e164,
        status: skip ? "skipped" as const : "pending" as const,
        skipReason: skip,
        createdAt: now,
      };
    });
    for (let i = 0; i < values.length; i += CHUNK) {
      await tx.insert(campaignRecipients).values(values.slice(i, i + CHUNK))
        .onConflictDoNothing();
    }
    await appendEvent(tx, now, campaignEvent(campaign));
    return report;
  });
}
