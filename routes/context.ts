/** What every route can read from the Hono context. */
import type { Context } from "hono";
import type { Provider } from "../carriers/types.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { isMessageKey, type T } from "../i18n/translate.ts";
import type { SessionInfo } from "../services/auth.ts";
import type { Clock } from "../services/clock.ts";
import type { Carriers } from "../services/carriers.ts";
import type { EventBus } from "../services/event_bus.ts";
import type { MediaStore } from "../services/media_store.ts";
import type { Ingest } from "../services/ingest.ts";
import type { Metrics } from "../services/metrics.ts";
import { type DomainError, Forbidden } from "../services/errors.ts";
import { MediaRefused } from "../services/media_limits.ts";
import type { User } from "../services/users.ts";
import type { AssetUrls } from "../views/layout.tsx";

export interface AppDeps {
  db: Db;
  clock: Clock;
  config: Config;
  bus: EventBus;
  carriers: Carriers;
  media: MediaStore;
  /** keys the signed media URLs carriers fetch outbound files from */
  mediaUrlSecret: string;
  /** providers that answer STOP/START/HELP themselves (no reply from us) */
  carrierRepliesToKeywords?: Set<Provider>;
  /** group commit for webhooks */
  ingest: Ingest;
  /** per-process counters for GET /metrics; createApp makes one if absent */
  metrics?: Metrics;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    assets: AssetUrls;
    session: SessionInfo | null;
    t: T;
    requestId: string;
  };
}

export type Ctx = Context<AppEnv>;

/** True for requests htmx made (they want a fragment, not a page). */
export function isHtmx(c: Ctx): boolean {
  return c.req.header("hx-request") === "true" &&
    c.req.header("hx-history-restore-request") !== "true";
}

/** The logged-in user; the session middleware guarantees one on app routes. */
export function currentUser(c: Ctx): User {
  const s = c.get("session");
  if (!s) throw new Forbidden("Not logged in");
  return s.user;
}

/** The session's CSRF token, for forms. */
export function csrfToken(c: Ctx): string {
  return c.get("session")?.csrfToken ?? "";
}

/** Parses a positive integer route parameter; anything else is a 404. */
export function idParam(c: Ctx, name: string): number | null {
  const raw = c.req.param(name) ?? "";
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) return null;
  return Number(raw);
}

/** A refusal in the user's words (a refused file names its limit). */
export function refusalText(t: T, err: DomainError): string {
  if (err instanceof MediaRefused) return t(err.problem.key, err.problem.vars);
  return isMessageKey(err.key) ? t(err.key) : err.message;
}
