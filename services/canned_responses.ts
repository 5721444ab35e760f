/**
 * Canned responses (F10, F24): pre-written replies shared by an inbox's
 * members, each with a key phrase the composer finds as `/phrase`.
 * Placeholders are filled on the server when one is inserted.
 */
import { and, asc, eq, like } from "drizzle-orm";
import type { Conn, Db } from "../db/client.ts";
import { cannedResponses, contacts } from "../db/schema.ts";
import { requireConversation, requireInbox } from "./access.ts";
import type { Clock } from "./clock.ts";
import { Invalid, NotFound } from "./errors.ts";
import { MAX_BODY } from "./messages.ts";
import type { User } from "./users.ts";

export interface CannedResponse {
  id: number;
  inboxId: number;
  keyPhrase: string;
  body: string;
}

const columns = {
  id: cannedResponses.id,
  inboxId: cannedResponses.inboxId,
  keyPhrase: cannedResponses.keyPhrase,
  body: cannedResponses.body,
};

/** Letters, digits, `-` and `_`; what follows `/` in the composer. */
const KEY_PHRASE = /^[\p{L}\p{N}_-]{1,40}$/u;

/** `/Thanks` and `thanks` are the same key phrase. */
export function normalizeKeyPhrase(input: string): string {
  return input.trim().replace(/^\//, "").toLowerCase();
}

export interface PlaceholderValues {
  contactName: string;
  agentName: string;
}

/**
 * Fills `{{contact.first_name}}`, `{{contact.name}}`, `{{agent.name}}` and
 * `{{agent.first_name}}`. A contact without a name fills as nothing (and
 * the space before it goes too: "Hi {{contact.first_name}}," → "Hi,").
 */
export function fillPlaceholders(body: string, v: PlaceholderValues): string {
  const first = (s: string) => s.trim().split(/\s+/)[0] ?? "";
  const values: Record<string, string> = {
    "contact.first_name": first(v.contactName),
    "contact.name": v.contactName.trim(),
    "agent.name": v.agentName.trim(),
    "agent.first_name": first(v.agentName),
  };
  return body.replace(
    /( ?)\{\{\s*([a-z_.]+)\s*\}\}/g,
    (whole, space: string, key: string) => {
      if (!(key in values)) return whole;
      return values[key] ? space + values[key] : "";
    },
  );
}

/** The inbox's canned responses by key phrase, or those starting with `prefix`. */
export async function listCanned(
  conn: Conn,
  user: User,
  inboxId: number,
  prefix?: string,
  limit = 200,
): Promise<CannedResponse[]> {
  await requireInbox(conn, user, inboxId);
  const where = [eq(cannedResponses.inboxId, inboxId)];
  if (prefix) {
    where.push(
      like(cannedResponses.keyPhrase, `${prefix.replace(/[%_\\]/g, "")}%`),
    );
  }
  return await conn.select(columns).from(cannedResponses).where(and(...where))
    .orderBy(asc(cannedResponses.keyPhrase)).limit(limit);
}

/** One canned response of an inbox the user belongs to. */
export async function requireCanned(
  conn: Conn,
  user: User,
  id: number,
): Promise<CannedResponse> {
  const [row] = await conn.select(columns).from(cannedResponses).where(
    eq(cannedResponses.id, id),
  );
  if (!row) throw new NotFound("No such canned response");
  await requireInbox(conn, user, row.inboxId);
  return row;
}

export interface CannedFields {
  keyPhrase: string;
  body: string;
}

function clean(input: CannedFields): CannedFields {
  const keyPhrase = normalizeKeyPhrase(input.keyPhrase);
  if (!KEY_PHRASE.test(keyPhrase)) {
    throw new Invalid(
      "A key phrase is one word of letters, digits, - or _",
      "canned.bad_key",
    );
  }
  const body = input.body.replace(/\r\n/g, "\n").trim();
  if (!body) throw new Invalid("The text is empty", "canned.empty");
  if (body.length > MAX_BODY) {
    throw new Invalid("The text is too long", "composer.too_long");
  }
  return { keyPhrase, body };
}

async function keyTaken(conn: Conn, inboxId: number, key: string, id = 0) {
  const [row] = await conn.select({ id: cannedResponses.id }).from(
    cannedResponses,
  ).where(and(
    eq(cannedResponses.inboxId, inboxId),
    eq(cannedResponses.keyPhrase, key),
  ));
  return !!row && row.id !== id;
}

const duplicate = () =>
  new Invalid(
    "Another canned response in this inbox has that key phrase",
    "canned.duplicate",
  );

/** Adds a canned response to an inbox the user belongs to. */
export async function createCanned(
  db: Db,
  clock: Clock,
  user: User,
  inboxId: number,
  input: CannedFields,
): Promise<CannedResponse> {
  const fields = clean(input);
  return await db.write(async (tx) => {
    await requireInbox(tx, user, inboxId);
    if (await keyTaken(tx, inboxId, fields.keyPhrase)) throw duplicate();
    const [row] = await tx.insert(cannedResponses).values({
      inboxId,
      ...fields,
      createdBy: user.id,
      updatedAt: clock(),
    }).returning(columns);
    return row;
  });
}

/** A canned response as its URL names it: the inbox it must be in, and its id. */
export interface CannedRef {
  inboxId: number;
  id: number;
}

/** The canned response, if it is in the inbox its URL names. */
async function requireCannedIn(tx: Conn, user: User, ref: CannedRef) {
  const row = await requireCanned(tx, user, ref.id);
  if (row.inboxId !== ref.inboxId) {
    throw new NotFound("No such canned response");
  }
  return row;
}

/** Changes a canned response's key phrase and text. */
export async function updateCanned(
  db: Db,
  clock: Clock,
  user: User,
  ref: CannedRef,
  input: CannedFields,
): Promise<CannedResponse> {
  const fields = clean(input);
  const id = ref.id;
  return await db.write(async (tx) => {
    const row = await requireCannedIn(tx, user, ref);
    if (await keyTaken(tx, row.inboxId, fields.keyPhrase, id)) {
      throw duplicate();
    }
    await tx.update(cannedResponses).set({ ...fields, updatedAt: clock() })
      .where(eq(cannedResponses.id, id));
    return { ...row, ...fields };
  });
}

/** Deletes a canned response. */
export async function deleteCanned(
  db: Db,
  user: User,
  ref: CannedRef,
): Promise<CannedResponse> {
  return await db.write(async (tx) => {
    const row = await requireCannedIn(tx, user, ref);
    await tx.delete(cannedResponses).where(eq(cannedResponses.id, ref.id));
    return row;
  });
}

/** A canned response filled in for this conversation and this agent. */
export async function fillCanned(
  conn: Conn,
  user: User,
  conversationId: number,
  cannedId: number,
): Promise<string> {
  const conv = await requireConversation(conn, user, conversationId);
  const canned = await requireCanned(conn, user, cannedId);
  if (canned.inboxId !== conv.inboxId) throw new NotFound();
  const [contact] = await conn.select({ name: contacts.name }).from(contacts)
    .where(eq(contacts.id, conv.contactId));
  return fillPlaceholders(canned.body, {
    contactName: contact?.name ?? "",
    agentName: user.name,
  });
}
