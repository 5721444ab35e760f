/**
 * Recognises the carrier-standard opt-out, opt-in and help keywords
 * (CTIA Messaging Principles; Twilio's defaults plus REVOKE and OPTOUT, which
 * the FCC's 2025 consent-revocation rule names):
 * https://help.twilio.com/articles/223134027
 *
 * Only a message that IS the keyword counts — "stop by tomorrow" is not an
 * opt-out. We forgive what phones add around a keyword: surrounding spaces,
 * any letter case, full-width letters (NFKC), and trailing punctuation
 * ("Stop.", "STOP!!"), because a customer who typed "Stop." means it and
 * carriers treat it so. Leading punctuation or extra words disqualify.
 *
 * @module
 */

/** What a keyword asks for. */
export type KeywordKind = "stop" | "start" | "help";

const KEYWORDS: Record<string, KeywordKind> = {
  STOP: "stop",
  STOPALL: "stop",
  UNSUBSCRIBE: "stop",
  CANCEL: "stop",
  END: "stop",
  QUIT: "stop",
  REVOKE: "stop",
  OPTOUT: "stop",
  START: "start",
  UNSTOP: "start",
  YES: "start",
  HELP: "help",
  INFO: "help",
};

/** Classifies a whole inbound body as an opt-out/opt-in/help keyword, or null. */
export function classifyKeyword(body: string): KeywordKind | null {
  const word = body.normalize("NFKC").trim().replace(/[\s.!?,;:¡¿]+$/u, "")
    .toUpperCase();
  return Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : null;
}
