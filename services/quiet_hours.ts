/**
 * Quiet hours for campaigns: solicitations only between 08:00 and 21:00 in
 * the recipient's local time (47 CFR 64.1200(c)(1)); a campaign may keep a
 * narrower window (some states are stricter), never a wider one. The
 * recipient's zone comes from the area code of their number.
 */
import { zoneOfNumber } from "../carriers/area_code_zones.ts";
import { Invalid } from "./errors.ts";

/** The legal sending window, minutes after local midnight: [from, until). */
export const LEGAL_WINDOW = { from: 8 * 60, until: 21 * 60 } as const;

/**
 * A campaign's quiet hours as stored (campaigns.quiet_start / quiet_end):
 * nothing goes out from `start` until `end` the next morning.
 */
export interface QuietHours {
  start: number;
  end: number;
}

/** Throws unless sending is allowed only within 08:00–21:00 (and some of it). */
export function checkQuietHours(q: QuietHours): void {
  const ok = Number.isInteger(q.start) && Number.isInteger(q.end) &&
    q.end >= LEGAL_WINDOW.from && q.start <= LEGAL_WINDOW.until &&
    q.end < q.start;
  if (!ok) {
    throw new Invalid(
      "Campaigns may send only between 08:00 and 21:00 in the recipient's time",
      "campaign.bad_quiet_hours",
    );
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Milliseconds since local midnight in `timeZone` at instant `ms`. */
export function localTimeOfDay(ms: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(ms);
  const get = (type: string) =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  return ((get("hour") % 24) * 3600 + get("minute") * 60 + get("second")) *
      1000 + (((ms % 1000) + 1000) % 1000);
}

/**
 * The earliest instant at or after `now` when a message may go to someone
 * in `timeZone`. Across a daylight-saving change the answer can be an hour
 * early; the runner checks again when it is due, so it only waits longer.
 */
export function nextSendableAt(
  now: number,
  timeZone: string,
  q: QuietHours,
): number {
  const day = 24 * 3600_000;
  const t = localTimeOfDay(now, timeZone);
  const open = q.end * 60_000;
  const close = q.start * 60_000;
  if (t >= open && t < close) return now;
  return now + (t < open ? open - t : day - t + open);
}

/** The recipient's time zone: from the area code, else `fallback`. */
export function recipientZone(e164: string, fallback: string): string {
  return zoneOfNumber(e164) ?? fallback;
}

/** "21:00" for 1260. */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/** 1260 for "21:00"; null for anything else. */
export function parseMinutes(hhmm: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)(:00)?$/.exec(hhmm.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

function wallClock(ms: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(ms);
  const get = (type: string) =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    y: get("year"),
    mo: get("month"),
    d: get("day"),
    h: get("hour") % 24,
    mi: get("minute"),
  };
}

/**
 * A `datetime-local` value ("2026-03-01T09:30") read as a wall-clock time
 * in `timeZone`, as epoch ms; null when it is not one.
 */
export function zonedTimeToUtc(local: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  if (Number.isNaN(asUtc)) return null;
  // the zone's offset at that moment, found by formatting a first guess
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const w = wallClock(guess, timeZone);
    const shown = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi);
    guess += asUtc - shown;
  }
  return guess;
}

/** Epoch ms as a `datetime-local` value in `timeZone`. */
export function utcToZonedTime(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${w.y}-${p(w.mo)}-${p(w.d)}T${p(w.h)}:${p(w.mi)}`;
}
