/**
 * How many SMS segments a body costs, as carriers count them.
 *
 * GSM 03.38 (7-bit default alphabet): 160 septets in one segment, 153 per
 * segment once concatenated (the user-data header takes 7). Characters from
 * the extension table need an escape and count twice. Anything outside the
 * alphabet switches the whole message to UCS-2: 70 UTF-16 code units, 67 per
 * concatenated segment. Neither an escape pair nor a surrogate pair is split
 * across segments, matching Twilio's segment calculator:
 * https://www.twilio.com/docs/glossary/what-sms-character-limit
 *
 * @module
 */

/** Longest body we accept for one outbound message (Twilio's limit). */
export const MAX_BODY = 1600;

/** Result of {@linkcode countSegments}. */
export interface SegmentCount {
  encoding: "GSM-7" | "UCS-2";
  segments: number;
  /** Encoded length: septets (GSM-7) or UTF-16 code units (UCS-2). */
  characters: number;
  /** Capacity of each segment at this length (160/153 or 70/67). */
  perSegment: number;
}

const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM_EXTENSION = new Set("\f^{}\\[~]|€");

function packSegments(units: number[], single: number, multi: number) {
  const total = units.reduce((a, b) => a + b, 0);
  if (total === 0) return { total, segments: 0, perSegment: single };
  if (total <= single) return { total, segments: 1, perSegment: single };
  let segments = 1;
  let used = 0;
  for (const size of units) {
    if (used + size > multi) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return { total, segments, perSegment: multi };
}

/** Counts the segments, encoding and encoded length of an SMS body. */
export function countSegments(body: string): SegmentCount {
  const chars = [...body]; // code points, so surrogate pairs stay together
  const isGsm = chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c));
  const units = isGsm
    ? chars.map((c) => (GSM_EXTENSION.has(c) ? 2 : 1))
    : chars.map((c) => c.length);
  const { total, segments, perSegment } = isGsm
    ? packSegments(units, 160, 153)
    : packSegments(units, 70, 67);
  return {
    encoding: isGsm ? "GSM-7" : "UCS-2",
    segments,
    characters: total,
    perSegment,
  };
}
