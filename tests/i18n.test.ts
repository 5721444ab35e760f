import assert from "node:assert/strict";
import { en } from "../i18n/en.ts";
import { es } from "../i18n/es.ts";
import { pickLocale, translator } from "../i18n/translate.ts";
import { Client, loggedIn, testApp } from "./helpers.ts";

/** Keys in `a` that `b` lacks. */
function missing(a: object, b: object): string[] {
  return Object.keys(a).filter((k) => !(k in b)).sort();
}

Deno.test("English and Spanish have exactly the same keys", () => {
  assert.deepEqual(missing(en, es), [], "keys only in en.ts");
  assert.deepEqual(missing(es, en), [], "keys only in es.ts");
  for (const [key, text] of Object.entries(es)) {
    assert.ok(text.trim(), `es "${key}" is empty`);
  }
});

Deno.test("Spanish strings keep every {placeholder} of the English ones", () => {
  const vars = (s: string) =>
    [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const [key, text] of Object.entries(en)) {
    assert.deepEqual(vars(es[key as keyof typeof en]), vars(text), key);
  }
});

Deno.test("pickLocale honours Accept-Language q-values", () => {
  const cases: [string | null | undefined, string][] = [
    ["es", "es"],
    ["es-MX,es;q=0.9,en;q=0.8", "es"],
    ["en-US,en;q=0.9,es;q=0.8", "en"],
    ["en;q=0.5, es;q=0.9", "es"],
    ["fr-FR, fr;q=0.9, es;q=0.7, en;q=0.6", "es"],
    ["de, en;q=0.1", "en"],
    ["es;q=0.3, en;q=0.4", "en"],
    // optional whitespace around ";" is allowed by RFC 9110
    ["en; q=0.2, es ; q=0.8", "es"],
    ["ES", "es"],
    // q=0 means "not acceptable"
    ["es;q=0, fr", "en"],
    ["*", "en"],
    ["de", "en"],
    ["", "en"],
    [null, "en"],
    [undefined, "en"],
    ["es;q=abc, en;q=0.5", "en"],
  ];
  for (const [header, expected] of cases) {
    assert.equal(pickLocale(null, header), expected, String(header));
  }
  // the user's own setting wins over the browser's
  assert.equal(pickLocale("es", "en-US,en"), "es");
  assert.equal(pickLocale("en", "es"), "en");
  // an unsupported setting falls back to the header
  assert.equal(pickLocale("pt", "es"), "es");
});

Deno.test("the translator fills placeholders and formats time in the user's zone", () => {
  const t = translator("es", "America/Mexico_City");
  assert.equal(t("thread.via", { number: "+15550100001" }), "por +15550100001");
  assert.equal(t("login.submit"), "Entrar");
  // 12:00 UTC is 06:00 in Mexico City (no DST since 2022)
  assert.equal(t.time(Date.UTC(2025, 0, 15, 12, 0)), "06:00");
});

Deno.test("a page requested with Accept-Language: es is in Spanish", async () => {
  const t = await testApp();
  try {
    const login = await new Client(t).request("/login", {
      headers: { "accept-language": "es-ES,es;q=0.9,en;q=0.5" },
    });
    const html = await login.text();
    assert.match(html, /<html lang="es">/);
    assert.match(html, /<title>Iniciar sesión · Bandeja<\/title>/);
    assert.match(html, /Contraseña/);
    assert.doesNotMatch(html, /Password/);

    const ana = await loggedIn(t, "ana");
    const page = await ana.request("/inboxes/1?status=closed", {
      headers: { "accept-language": "es" },
    });
    const inbox = await page.text();
    assert.match(inbox, /<html lang="es">/);
    assert.match(inbox, />Abiertas</);
    assert.match(inbox, />Cerradas</);
    assert.match(inbox, />Cerrar sesión</);
    // errors speak Spanish too
    const bad = await ana.request("/conversations/abc", {
      headers: { "accept-language": "es" },
    });
    assert.equal(bad.status, 404);
    assert.equal(await bad.text(), "No existe, o no tienes acceso.");
    const empty = await ana.post("/conversations/1/messages", { body: " " }, {
      "accept-language": "es",
    });
    assert.equal(empty.status, 422);
    assert.match(await empty.text(), /Escribe algo antes de enviar\./);
  } finally {
    await t.close();
  }
});

Deno.test("numbers are grouped the way each language writes them", async () => {
  const { translator } = await import("../i18n/translate.ts");
  assert.equal(translator("en").number(12345), "12,345");
  assert.equal(translator("es").number(12345), "12.345");
});
