/**
 * Text search over contacts (name, number) and message bodies with SQLite
 * FTS5 (F11). User text never reaches SQL: it becomes an FTS5 query string
 * of quoted terms (https://sqlite.org/fts5.html#full_text_query_syntax),
 * bound as a parameter.
 */
import { type SQL, sql } from "drizzle-orm";
import { contacts, messages } from "../db/schema.ts";

/** The longest search we take; more is almost certainly a paste accident. */
export const MAX_SEARCH_LENGTH = 100;

/**
 * A search looks at this many of the newest matching messages, and this
 * many of the newest matching contacts: a word in every tenth message must
 * not make the list read a hundred thousand rows. Rarer words (most names,
 * order numbers, phone numbers) are found in full.
 */
export const SEARCH_MATCH_CAP = 500;
const MAX_TERMS = 8;

/** Splits a search into terms (whitespace-separated, at most a few). */
function terms(q: string): string[] {
  return q.normalize("NFC").trim().split(/\s+/).filter(Boolean).slice(
    0,
    MAX_TERMS,
  );
}

/** One FTS5 string: double quotes inside are doubled (FTS5's own escape). */
function quote(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/**
 * The query for `messages_fts` (unicode61, diacritics removed): every term,
 * each as a prefix, so "envi" finds "envío". Null when nothing is left.
 */
export function bodyMatchQuery(q: string): string | null {
  const list = terms(q).filter((t) => /[\p{L}\p{N}]/u.test(t));
  if (list.length === 0) return null;
  return list.map((t) => `${quote(t)}*`).join(" AND ");
}

/** True when the search looks like (part of) a phone number. */
export function looksLikeNumber(q: string): boolean {
  return /^[\d\s()+.\-]+$/.test(q.trim()) && /\d{3}/.test(q.replace(/\D/g, ""));
}

/**
 * How to find contacts: a trigram MATCH when every term has at least three
 * characters (trigram needs three), else LIKE patterns on the contacts table.
 * A number-like search compares digits only: "(555) 123" finds +1555123….
 */
export type ContactSearch =
  | { kind: "match"; query: string }
  | { kind: "like"; patterns: string[] }
  | { kind: "none" };

export function contactSearch(q: string): ContactSearch {
  const list = looksLikeNumber(q)
    ? [q.replace(/\D/g, "")]
    : terms(q).map((t) => t.replace(/^\+/, ""));
  const usable = list.filter((t) => t.length > 0);
  if (usable.length === 0) return { kind: "none" };
  if (usable.every((t) => [...t].length >= 3)) {
    return { kind: "match", query: usable.map(quote).join(" AND ") };
  }
  return {
    kind: "like",
    patterns: usable.map((t) => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
  };
}

/** A subquery of the ids of contacts matching the search. */
export function contactIdsMatching(search: ContactSearch): SQL | null {
  switch (search.kind) {
    case "match":
      return sql`select rowid from contacts_fts where contacts_fts match ${search.query} order by rowid desc limit ${SEARCH_MATCH_CAP}`;
    case "like": {
      const each = search.patterns.map((p) =>
        sql`(${contacts.name} like ${p} escape '\\' or ${contacts.e164} like ${p} escape '\\')`
      );
      return sql`select ${contacts.id} from ${contacts} where ${
        sql.join(each, sql` and `)
      } order by ${contacts.id} desc limit ${SEARCH_MATCH_CAP}`;
    }
    case "none":
      return null;
  }
}

/**
 * A subquery of the ids of conversations with one of the newest matching
 * messages (FTS5 reads rowids newest first without sorting).
 */
export function conversationIdsWithBody(query: string): SQL {
  return sql`select ${messages.conversationId} as id from ${messages} where ${messages.id} in (select rowid from messages_fts where messages_fts match ${query} order by rowid desc limit ${SEARCH_MATCH_CAP})`;
}
