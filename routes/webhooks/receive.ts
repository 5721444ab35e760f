/**
 * The one path every carrier webhook takes: read the raw body, verify the
 * signature on it, parse, store, answer. A bad signature is 403 and a
 * malformed body 400, both before anything is written.
 */
import type { Context } from "hono";
import {
  InvalidPayload,
  type Provider,
  type WebhookRequest,
} from "../../carriers/types.ts";
import type { AppEnv } from "../context.ts";
import { log } from "../../services/log.ts";

/** The URL the carrier was configured with: what it signed. */
export function publicUrlOf(c: Context<AppEnv>): string {
  const u = new URL(c.req.url);
  return `${c.get("deps").config.publicUrl}${u.pathname}${u.search}`;
}

export interface WebhookOutcome {
  ok: boolean;
  status: 200 | 400 | 403;
  reason?: string;
}

/** Verifies, parses and stores one webhook delivery. */
export async function handleWebhook(
  c: Context<AppEnv>,
  provider: Provider,
): Promise<WebhookOutcome> {
  const deps = c.get("deps");
  const adapter = deps.carriers[provider];
  const req: WebhookRequest = {
    url: publicUrlOf(c),
    headers: c.req.raw.headers,
    rawBody: new Uint8Array(await c.req.arrayBuffer()),
  };
  if (!(await adapter.verify(req, deps.clock()))) {
    logOutcome(c, provider, "bad_signature");
    return { ok: false, status: 403, reason: "invalid signature" };
  }
  let parsed;
  try {
    parsed = adapter.parse(req);
  } catch (err) {
    if (err instanceof InvalidPayload) {
      logOutcome(c, provider, "malformed");
      return { ok: false, status: 400, reason: err.message };
    }
    throw err;
  }
  const { received, statuses } = await deps.ingest.submit(parsed);
  logOutcome(c, provider, "ok", { ...received, ...statuses });
  return { ok: true, status: 200 };
}

function logOutcome(
  c: Context<AppEnv>,
  provider: Provider,
  outcome: string,
  counts: Record<string, number> = {},
) {
  c.get("deps").metrics?.inc("bandeja_webhooks_total", { provider, outcome });
  if (outcome === "ok" && !counts.unknownNumber) return;
  log(outcome === "ok" ? "info" : "warn", "webhook", {
    requestId: c.get("requestId"),
    provider,
    outcome,
    ...counts,
  });
}
