/**
 * How many SMS segments a body costs, as carriers count them
 * (https://www.twilio.com/docs/glossary/what-sms-character-limit). The
 * counting itself lives in static/sms_segments.js so that the composer's
 * live counter in the browser runs the very same code.
 *
 * @module
 */
import { countSegments as count } from "../static/sms_segments.js";

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

/** Counts the segments, encoding and encoded length of an SMS body. */
export function countSegments(body: string): SegmentCount {
  return count(body);
}
