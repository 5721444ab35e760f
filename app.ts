/**
 * createApp(deps): the whole HTTP application. main.ts serves it; tests build
 * it with their own database and clock and call `app.request()`.
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { secureHeaders } from "hono/secure-headers";
import { ZodError } from "zod";
import { findSession } from "./services/auth.ts";
import { DomainError } from "./services/errors.ts";
import { isMessageKey, pickLocale, translator } from "./i18n/translate.ts";
import { compressText } from "./middleware/compress.ts";
import { authRoutes, SESSION_COOKIE } from "./routes/auth.tsx";
import type { AppDeps, AppEnv } from "./routes/context.ts";
import { conversationRoutes } from "./routes/conversations.tsx";
import { conversationActionRoutes } from "./routes/conversation_actions.tsx";
import { contactRoutes } from "./routes/contacts.tsx";
import { inboxSettingsRoutes } from "./routes/inbox_settings.tsx";
import { cannedRoutes } from "./routes/canned_responses.tsx";
import { campaignRoutes } from "./routes/campaigns.tsx";
import { campaignMediaRoutes } from "./routes/campaign_media.tsx";
import { prefsRoutes } from "./routes/prefs.tsx";
import { chatRoutes } from "./routes/chats.tsx";
import { meRoutes } from "./routes/me.tsx";
import { adminNumberRoutes } from "./routes/admin_numbers.tsx";
import { legacyHistoryRoutes } from "./routes/legacy_history.tsx";
import { autoAssignmentRoutes } from "./routes/auto_assignment.tsx";
import { eventRoutes } from "./routes/events.tsx";
import { UPLOAD_LIMITS, uploadRoutes } from "./routes/uploads.tsx";
import { emojiRoutes } from "./routes/emoji.tsx";
import { reactionRoutes } from "./routes/reactions.tsx";
import { typingRoutes } from "./routes/typing.tsx";
import { callRoutes } from "./routes/calls.tsx";
import { surveyRoutes } from "./routes/surveys.tsx";
import { healthRoutes } from "./routes/health.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { log } from "./services/log.ts";
import { Metrics } from "./services/metrics.ts";
import { mediaRoutes } from "./routes/media.ts";
import { telnyxWebhooks } from "./routes/webhooks/telnyx.ts";
import { twilioWebhooks } from "./routes/webhooks/twilio.ts";
import { whatsappWebhooks } from "./routes/webhooks/whatsapp.ts";
import { inboxRoutes } from "./routes/inboxes.tsx";
import { newConversationRoutes } from "./routes/new_conversation.tsx";
import { pinRoutes } from "./routes/pins.tsx";
import { readStateRoutes } from "./routes/read_state.tsx";
import { loadStaticAssets, type StaticAssets } from "./routes/static.ts";

export type { AppDeps };

/** Paths that need no session: everything else redirects to /login. */
const PUBLIC_PATHS = [
  /^\/login$/,
  /^\/healthz$/,
  /^\/metrics$/,
  /^\/webhooks\//,
  /^\/static\//,
  /^\/media\/signed\//,
  // the customer's survey page (F25): its token is the key
  /^\/s\/[\w-]+$/,
];
/** Machine clients with their own signatures; no browser CSRF applies. */
const CSRF_EXEMPT = [/^\/webhooks\//];
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

let cachedAssets: Promise<StaticAssets> | null = null;

export interface BandejaApp {
  app: Hono<AppEnv>;
  assets: StaticAssets;
}

/** Builds the application around its dependencies. */
export async function createApp(deps: AppDeps): Promise<BandejaApp> {
  cachedAssets ??= loadStaticAssets();
  const assets = await cachedAssets;
  const app = new Hono<AppEnv>();
  const publicOrigin = new URL(deps.config.publicUrl).origin;

  const metrics = deps.metrics ?? new Metrics();
  deps.metrics = metrics;
  app.use(async (c, next) => {
    c.set("deps", deps);
    c.set("assets", assets.urls);
    const given = c.req.header("x-request-id") ?? "";
    c.set(
      "requestId",
      /^[\w.-]{1,64}$/.test(given) ? given : crypto.randomUUID(),
    );
    c.set("session", null);
    c.set(
      "t",
      translator(pickLocale(null, c.req.header("accept-language"))),
    );
    const started = performance.now();
    await next();
    const status = c.res.status;
    c.res.headers.set("x-request-id", c.get("requestId"));
    metrics.inc("bandeja_http_requests_total", {
      method: c.req.method,
      status: String(status),
    });
    // the route pattern, not the path: paths can hold tokens (survey links)
    log(status >= 500 ? "error" : "debug", "request", {
      requestId: c.get("requestId"),
      method: c.req.method,
      route: c.req.routePath,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      user: c.get("session")?.user.id,
    });
  });

  app.use(secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:", "blob:"],
      mediaSrc: ["'self'", "blob:"],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
    referrerPolicy: "same-origin",
    xFrameOptions: "DENY",
    // a route's own stricter header stays (media files: sandboxed CSP;
    // survey links: no Referer carrying their token)
    overwrite: false,
  }));
  // carriers' webhooks are answered here, before the middleware only
  // browsers need (compression, session, CSRF): a webhook carries its own
  // signature, and this path takes the most requests a second
  // (as small as a form: a carrier's webhook is one message or report)
  const tooLarge = (c: Context) => c.text(c.get("t")("error.too_large"), 413);
  const formLimit = bodyLimit({ maxSize: 256 * 1024, onError: tooLarge });
  app.use("/webhooks/*", formLimit);
  app.route("/", twilioWebhooks);
  app.route("/", telnyxWebhooks);
  app.route("/", whatsappWebhooks);

  app.use(compressText());
  // forms are small; uploads get their own limit on their own routes
  // a campaign's list of numbers may be a large CSV upload
  const listLimit = bodyLimit({ maxSize: 4 * 1024 * 1024, onError: tooLarge });
  // attachments (F7, F22): each route's own limit (routes/uploads.tsx)
  const fileLimits = UPLOAD_LIMITS.map(([path, maxSize]) =>
    [path, bodyLimit({ maxSize, onError: tooLarge })] as const
  );
  app.use((c, next) =>
    (/^\/campaigns\/\d+\/audience$/.test(c.req.path)
      ? listLimit
      : fileLimits.find(([path]) => path.test(c.req.path))?.[1] ??
        formLimit)(
        c,
        next,
      )
  );

  // session
  app.use(async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const session = await findSession(deps.db, deps.clock, token);
      if (session) {
        c.set("session", session);
        c.set(
          "t",
          translator(
            pickLocale(session.user.locale, c.req.header("accept-language")),
            session.user.timeZone ?? "UTC",
          ),
        );
      }
    }
    const path = c.req.path;
    if (!c.get("session") && !PUBLIC_PATHS.some((r) => r.test(path))) {
      if (c.req.method === "GET" && c.req.header("hx-request") !== "true") {
        const next = path === "/" ? "" : `?next=${encodeURIComponent(path)}`;
        return c.redirect(`/login${next}`, 302);
      }
      return c.text(
        c.get("t")("error.logged_out"),
        401,
        c.req.header("hx-request") === "true"
          ? { "HX-Redirect": "/login" }
          : {},
      );
    }
    await next();
  });

  // CSRF: the browser must say the request came from our own pages (Origin
  // or Sec-Fetch-Site), and a logged-in request must carry the session's
  // token (htmx sends it as a header, plain forms as a field).
  app.use(async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return await next();
    if (CSRF_EXEMPT.some((r) => r.test(c.req.path))) return await next();
    const t = c.get("t");
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    const requestOrigin = new URL(c.req.url).origin;
    const sameOrigin = origin
      ? origin === publicOrigin || origin === requestOrigin
      : site === "same-origin";
    if (!sameOrigin) return c.text(t("error.csrf"), 403);
    const session = c.get("session");
    if (session) {
      let token = c.req.header("x-csrf-token");
      if (!token) {
        const type = c.req.header("content-type") ?? "";
        if (
          type.startsWith("application/x-www-form-urlencoded") ||
          type.startsWith("multipart/form-data")
        ) {
          const form = await c.req.parseBody();
          token = typeof form._csrf === "string" ? form._csrf : undefined;
        }
      }
      if (token !== session.csrfToken) return c.text(t("error.csrf"), 403);
    }
    await next();
  });

  app.route("/", assets.routes);
  app.route("/", healthRoutes);
  app.route("/", metricsRoutes);
  app.route("/", authRoutes);
  app.route("/", inboxRoutes);
  // before conversationRoutes: /conversations/new is not a conversation id
  app.route("/", newConversationRoutes);
  app.route("/", pinRoutes);
  app.route("/", readStateRoutes);
  app.route("/", conversationRoutes);
  app.route("/", conversationActionRoutes);
  app.route("/", contactRoutes);
  app.route("/", inboxSettingsRoutes);
  app.route("/", cannedRoutes);
  app.route("/", campaignRoutes);
  app.route("/", campaignMediaRoutes);
  app.route("/", prefsRoutes);
  app.route("/", chatRoutes);
  app.route("/", meRoutes);
  app.route("/", adminNumberRoutes);
  app.route("/", legacyHistoryRoutes);
  app.route("/", autoAssignmentRoutes);
  app.route("/", uploadRoutes);
  app.route("/", emojiRoutes);
  app.route("/", reactionRoutes);
  app.route("/", typingRoutes);
  app.route("/", callRoutes);
  app.route("/", surveyRoutes);
  app.route("/", eventRoutes);
  app.route("/", mediaRoutes);
  app.notFound((c) => c.text(c.get("t")("error.not_found"), 404));
  app.onError((err, c) => {
    const t = c.get("t") ?? translator("en");
    if (err instanceof DomainError) {
      const msg = isMessageKey(err.key) ? t(err.key) : err.message;
      return c.text(msg, err.status);
    }
    // a body the runtime cannot read as the form it claims to be
    if (
      err instanceof TypeError &&
      /parse body|MultipartParser|form data|FormData/i.test(err.message)
    ) {
      return c.text(t("error.bad_request"), 400);
    }
    if (err instanceof ZodError) {
      const detail = err.issues.map((i) => `${i.path.join(".")}: ${i.message}`)
        .join("; ");
      return c.text(`${t("error.bad_request")} ${detail}`, 400);
    }
    log("error", "unhandled error", {
      requestId: c.get("requestId"),
      route: c.req.routePath,
      error: err,
    });
    return c.text(t("error.server"), 500);
  });
  return { app, assets };
}
