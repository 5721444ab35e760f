/**
 * A pasted or uploaded list of numbers for a campaign's audience: CSV (or
 * semicolon/tab separated, as spreadsheets export in many locales), with or
 * without a header row, quoted fields, an optional name column — or simply
 * numbers, one per line or separated by commas. Every row is reported:
 * the number as E.164, or why it cannot be used.
 */

/** Why a row of the list is not a recipient. */
export type RowProblem = "invalid" | "duplicate";

export interface ParsedRow {
  /** 1-based line of the input where the row starts */
  line: number;
  /** the number as written */
  raw: string;
  e164: string | null;
  name: string;
  problem: RowProblem | null;
}

export interface ParsedList {
  rows: ParsedRow[];
  hasHeader: boolean;
  /** more rows than `maxRows`: the rest were not read */
  truncated: boolean;
}

const PHONE_HEADER =
  /^(phone|phone ?number|number|mobile|mobile ?number|cell|cell ?phone|tel|telephone|e\.?164|whatsapp|msisdn|to|tel[eé]fono|n[uú]mero|m[oó]vil|celular)$/i;
const NAME_HEADER =
  /^(name|full ?name|contact|contact ?name|nombre|nombre ?completo|contacto)$/i;
const FIRST_HEADER = /^(first ?name|given ?name|nombre|first)$/i;
const LAST_HEADER = /^(last ?name|surname|family ?name|apellidos?|last)$/i;

/**
 * A written number as E.164, or null. Formatting (spaces, dots, dashes,
 * brackets, a `tel:` prefix) is dropped; `00` is the international prefix;
 * ten digits are a US/Canada number and 11 starting with 1 too. A +1
 * number needs ten digits after the 1 and an area code not starting 0 or 1.
 */
export function normalizeListNumber(input: string): string | null {
  let s = input.trim().replace(/^tel:/i, "").replace(/[\s().\-\u00a0]/g, "");
  if (/^00[1-9]/.test(s)) s = `+${s.slice(2)}`;
  if (/^\d{10}$/.test(s)) s = `+1${s}`;
  else if (/^1\d{10}$/.test(s)) s = `+${s}`;
  if (!/^\+[1-9]\d{7,14}$/.test(s)) return null;
  if (s.startsWith("+1") && !/^\+1[2-9]\d{9}$/.test(s)) return null;
  return s;
}

interface CsvRecord {
  line: number;
  cells: string[];
}

function detectDelimiter(text: string): string {
  const first = text.split(/\r\n|\n|\r/, 1)[0] ?? "";
  const outside = first.replace(/"[^"]*"/g, "");
  const counts = [",", ";", "\t"].map((d) => ({
    d,
    n: outside.split(d).length - 1,
  }));
  counts.sort((a, b) => b.n - a.n);
  return counts[0].n > 0 ? counts[0].d : ",";
}

/** RFC 4180 records: quoted fields may hold the delimiter, quotes and newlines. */
export function parseCsv(text: string, delimiter = detectDelimiter(text)) {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  const end = () => {
    cells.push(cell);
    cell = "";
  };
  const endRecord = () => {
    end();
    if (cells.some((c) => c.trim() !== "")) {
      records.push({ line: start, cells: cells.map((c) => c.trim()) });
    }
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n" || (ch === "\r" && text[i + 1] !== "\n")) line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (ch === delimiter) end();
    else if (ch === "\r" || ch === "\n") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      start = line;
    } else cell += ch;
  }
  endRecord();
  return records;
}

const hasLetters = (s: string) => /\p{L}/u.test(s.replace(/^tel:/i, ""));

/**
 * Parses a list of numbers. At most `maxRows` rows are read (the report
 * says when there were more).
 */
export function parseAudienceList(
  input: string,
  maxRows = 20_000,
): ParsedList {
  const text = input.replace(/^\uFEFF/, "");
  let records = parseCsv(text);
  if (records.length === 0) {
    return { rows: [], hasHeader: false, truncated: false };
  }

  // a header: names a phone column and holds no number itself
  // "first_name", "Phone-Number": the words are what matter
  const head = records[0].cells.map((c) =>
    c.replace(/[_-]+/g, " ").replace(/\s+/g, " ").trim()
  );
  const hasHeader =
    head.some((c) => PHONE_HEADER.test(c) || NAME_HEADER.test(c)) &&
    !head.some((c) => normalizeListNumber(c) !== null);
  let phoneCol = -1;
  let nameCols: number[] = [];
  if (hasHeader) {
    phoneCol = head.findIndex((c) => PHONE_HEADER.test(c));
    const name = head.findIndex((c) => NAME_HEADER.test(c));
    if (name >= 0 && name !== phoneCol) nameCols = [name];
    else {
      const first = head.findIndex((c) => FIRST_HEADER.test(c));
      const last = head.findIndex((c) => LAST_HEADER.test(c));
      nameCols = [first, last].filter((i) => i >= 0 && i !== phoneCol);
    }
    records = records.slice(1);
  }
  if (phoneCol < 0) {
    // numbers pasted side by side ("a, b, c"): every cell is a row
    const sideBySide = !hasHeader &&
      records.some((r) =>
        r.cells.filter((c) => normalizeListNumber(c) !== null).length >= 2
      );
    if (sideBySide) {
      records = records.flatMap((r) =>
        r.cells.filter((c) => c !== "").map((c) => ({
          line: r.line,
          cells: [c],
        }))
      );
      phoneCol = 0;
    } else {
      // the column holding the most numbers; the one with the most words
      // beside it is the name
      const width = Math.max(0, ...records.map((r) => r.cells.length));
      const numbers = Array.from(
        { length: width },
        (_, i) =>
          records.filter((r) => normalizeListNumber(r.cells[i] ?? "") !== null)
            .length,
      );
      phoneCol = numbers.indexOf(Math.max(...numbers));
      if (!hasHeader) {
        const words = Array.from(
          { length: width },
          (_, i) =>
            i === phoneCol
              ? -1
              : records.filter((r) => hasLetters(r.cells[i] ?? "")).length,
        );
        const best = Math.max(-1, ...words);
        if (best > 0) nameCols = [words.indexOf(best)];
      }
    }
  }
  const truncated = records.length > maxRows;
  const seen = new Set<string>();
  const rows: ParsedRow[] = records.slice(0, maxRows).map((r) => {
    const raw = r.cells[phoneCol] ?? "";
    const e164 = normalizeListNumber(raw);
    const name = nameCols.map((i) => r.cells[i] ?? "").filter(Boolean).join(
      " ",
    ).slice(0, 120);
    let problem: RowProblem | null = null;
    if (!e164) problem = "invalid";
    else if (seen.has(e164)) problem = "duplicate";
    else seen.add(e164);
    return {
      line: r.line,
      raw: raw || r.cells.join(", ").slice(0, 60),
      e164,
      name,
      problem,
    };
  });
  return { rows, hasHeader, truncated };
}
