/** Picks a language and formats strings, dates and numbers in it. */
import { en, type MessageKey } from "./en.ts";
import { es } from "./es.ts";

export type Locale = "en" | "es";
export const LOCALES: Locale[] = ["en", "es"];
const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, es };

export type { MessageKey };

/** A translator bound to one locale and time zone. */
export interface T {
  (key: MessageKey, vars?: Record<string, string | number>): string;
  locale: Locale;
  timeZone: string;
  time(ms: number): string;
  dateTime(ms: number): string;
  /** a count in the locale's digits grouping (1,234 / 1.234) */
  number(n: number): string;
}

/** The user's setting first, else the best match from Accept-Language. */
export function pickLocale(
  setting: string | null | undefined,
  acceptLanguage: string | null | undefined,
): Locale {
  if (setting && (LOCALES as string[]).includes(setting)) {
    return setting as Locale;
  }
  // RFC 9110 §12.5.4: `tag;q=0.8`, with optional spaces around ";"; q=0
  // (or a weight we cannot read) means "not this one"
  const wanted = (acceptLanguage ?? "").split(",").map((part) => {
    const [tag, ...params] = part.split(";").map((p) => p.trim());
    const qParam = params.find((p) => /^q\s*=/i.test(p));
    const q = qParam === undefined
      ? 1
      : Number(qParam.slice(qParam.indexOf("=") + 1).trim() || "x");
    return {
      tag: tag.toLowerCase().split("-")[0],
      q: Number.isFinite(q) ? q : 0,
    };
  }).filter((x) => x.tag && x.q > 0).sort((a, b) => b.q - a.q);
  for (const w of wanted) {
    if ((LOCALES as string[]).includes(w.tag)) return w.tag as Locale;
  }
  return "en";
}

/** Is `key` a message key? (Error keys come from services as strings.) */
export function isMessageKey(key: string | undefined): key is MessageKey {
  return key !== undefined && key in en;
}

const cache = new Map<string, T>();

/**
 * The translator for a locale and time zone. Built once and shared: its
 * Intl formatters are costly, and every request and live stream needs one.
 */
export function translator(locale: Locale, timeZone = "UTC"): T {
  const key = `${locale}|${timeZone}`;
  let t = cache.get(key);
  if (!t) {
    t = buildTranslator(locale, timeZone);
    if (cache.size < 1000) cache.set(key, t);
  }
  return t;
}

function buildTranslator(locale: Locale, timeZone: string): T {
  const dict = dictionaries[locale];
  const timeFmt = new Intl.DateTimeFormat(locale, {
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
  });
  const dateTimeFmt = new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  });
  const t = ((key: MessageKey, vars?: Record<string, string | number>) => {
    let s = dict[key] ?? en[key] ?? key;
    if (vars) {
      for (const [k, v] of Object.entries(vars)) {
        s = s.replaceAll(`{${k}}`, String(v));
      }
    }
    return s;
  }) as T;
  t.locale = locale;
  t.timeZone = timeZone;
  t.time = (ms) => timeFmt.format(ms);
  t.dateTime = (ms) => dateTimeFmt.format(ms);
  const numberFmt = new Intl.NumberFormat(locale);
  t.number = (n) => numberFmt.format(n);
  return t;
}
