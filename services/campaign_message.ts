/**
 * What one recipient of a campaign receives: the body with its placeholders
 * filled in for them, plus the opt-out instruction when this is the first
 * message our number sends them and the text does not already say how to
 * stop (CTIA guidance; carriers filter 10DLC traffic without it).
 */
import { fillPlaceholders } from "./canned_responses.ts";
import { MAX_BODY } from "./messages.ts";

/**
 * True when the text already tells the reader how to opt out: an opt-out
 * keyword written in capitals ("Reply STOP", "text END") or the words for
 * it in English or Spanish.
 */
export function hasOptOutInstruction(body: string): boolean {
  return /\b(STOP|STOPALL|UNSUBSCRIBE|OPTOUT|CANCEL|END|QUIT|REVOKE)\b/.test(
    body,
  ) ||
    /\b(opt[ -]?out|unsubscribe|darte de baja|dejar de recibir|cancelar (la )?suscripci[oó]n)\b/i
      .test(body);
}

export interface RecipientValues {
  contactName: string;
  agentName: string;
}

/**
 * The body for one recipient. `footer` (the opt-out instruction, in the
 * campaign's language) is added on a line of its own when given; a body
 * that would pass the carriers' 1,600 characters is shortened before it.
 */
export function renderCampaignMessage(
  template: string,
  values: RecipientValues,
  footer: string | null,
): string {
  const body = fillPlaceholders(template, values).trim();
  if (!footer) return body.slice(0, MAX_BODY);
  const room = MAX_BODY - footer.length - 1;
  return `${body.slice(0, room).trimEnd()}\n${footer}`;
}
