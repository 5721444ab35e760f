/** GET /healthz: 200 when the database answers. */
import { Hono } from "hono";
import type { AppEnv } from "./context.ts";

export const healthRoutes = new Hono<AppEnv>();

healthRoutes.get("/healthz", async (c) => {
  try {
    await c.get("deps").db.client.execute("SELECT 1");
    return c.text("ok");
  } catch {
    return c.text("database unavailable", 503);
  }
});
