// SMS segment counting, shared by the server (carriers/segments.ts imports
// it) and the composer's live counter in the browser. GSM 03.38: 160
// septets in one segment, 153 per part once concatenated; extension-table
// characters count twice; anything else switches the message to UCS-2:
// 70 UTF-16 units, 67 per part. Escape and surrogate pairs are never split
// (Twilio's segment calculator does the same).

const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM_EXTENSION = new Set("\f^{}\\[~]|€");

/**
 * @param {number[]} units
 * @param {number} single
 * @param {number} multi
 */
function packSegments(units, single, multi) {
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

/**
 * Counts the segments, encoding and encoded length of an SMS body.
 * @param {string} body
 * @returns {{ encoding: "GSM-7" | "UCS-2", segments: number, characters: number, perSegment: number }}
 */
export function countSegments(body) {
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

globalThis.BandejaSegments = { countSegments };
