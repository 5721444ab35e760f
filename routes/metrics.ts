/**
 * GET /metrics: Prometheus text format, behind METRICS_TOKEN (as a Bearer
 * token). Without a configured token the endpoint does not exist.
 */
import { Hono } from "hono";
import { constantTimeEqual } from "../carriers/signing.ts";
import { outboxGauges } from "../services/metrics.ts";
import type { AppEnv } from "./context.ts";

export const metricsRoutes = new Hono<AppEnv>();

metricsRoutes.get("/metrics", async (c) => {
  const deps = c.get("deps");
  const token = deps.config.env.METRICS_TOKEN;
  if (!token) return c.text("Not found", 404);
  const given = (c.req.header("authorization") ?? "").replace(/^Bearer /, "");
  if (!constantTimeEqual(given, token)) {
    return c.text("unauthorized", 401, { "www-authenticate": "Bearer" });
  }
  const gauges = {
    ...(await outboxGauges(deps.db, deps.clock())),
    bandeja_sse_connections: deps.bus.subscriberCount,
    bandeja_event_lag_seconds: deps.bus.lastLagMs / 1000,
    bandeja_last_event_id: deps.bus.lastId,
  };
  return c.text(deps.metrics!.render(gauges), 200, {
    "content-type": "text/plain; version=0.0.4; charset=utf-8",
  });
});
