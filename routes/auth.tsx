/** Log in and log out. */
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { getConnInfo } from "hono/deno";
import { z } from "zod";
import { login, logout } from "../services/auth.ts";
import { TooManyRequests } from "../services/errors.ts";
import { LoginPage } from "../views/login_page.tsx";
import type { AppEnv, Ctx } from "./context.ts";

export const SESSION_COOKIE = "bandeja_session";

const loginForm = z.object({
  email: z.string().trim().max(254),
  password: z.string().max(1024),
  next: z.string().optional(),
});

/** Only local paths may be a post-login destination (no open redirect). */
function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)[\w\-/?=&%.]*$/.test(next) ? next : "/";
}

function clientAddress(c: Ctx): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

export const authRoutes = new Hono<AppEnv>();

authRoutes.get("/login", (c) => {
  if (c.get("session")) return c.redirect("/", 303);
  return c.html(
    <LoginPage
      t={c.get("t")}
      assets={c.get("assets")}
      next={c.req.query("next")}
    />,
  );
});

authRoutes.post("/login", async (c) => {
  const t = c.get("t");
  const parsed = loginForm.safeParse(await c.req.parseBody());
  if (!parsed.success) {
    return c.html(
      <LoginPage t={t} assets={c.get("assets")} error={t("login.failed")} />,
      400,
    );
  }
  const { db, clock, config } = c.get("deps");
  const form = parsed.data;
  try {
    const result = await login(db, clock, config.sessionTtlMs, {
      email: form.email,
      password: form.password,
      address: clientAddress(c),
      previousToken: getCookie(c, SESSION_COOKIE),
    });
    if (!result) {
      return c.html(
        <LoginPage
          t={t}
          assets={c.get("assets")}
          email={form.email}
          error={t("login.failed")}
          next={form.next}
        />,
        401,
      );
    }
    setCookie(c, SESSION_COOKIE, result.token, {
      httpOnly: true,
      sameSite: "Lax",
      secure: config.secureCookies,
      path: "/",
      maxAge: Math.floor(config.sessionTtlMs / 1000),
    });
    return c.redirect(safeNext(form.next), 303);
  } catch (err) {
    if (err instanceof TooManyRequests) {
      return c.html(
        <LoginPage
          t={t}
          assets={c.get("assets")}
          email={form.email}
          error={t("login.too_many")}
        />,
        429,
      );
    }
    throw err;
  }
});

authRoutes.post("/logout", async (c) => {
  const session = c.get("session");
  if (session) {
    const { db, clock } = c.get("deps");
    await logout(db, clock, session);
  }
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  if (c.req.header("hx-request") === "true") {
    c.header("HX-Redirect", "/login");
    return c.body(null, 204);
  }
  return c.redirect("/login", 303);
});
