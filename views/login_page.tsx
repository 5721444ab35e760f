/** The login form: plain HTML, works without JavaScript. */
import type { T } from "../i18n/translate.ts";
import { type AssetUrls, Layout } from "./layout.tsx";

export interface LoginPageProps {
  t: T;
  assets: AssetUrls;
  email?: string;
  error?: string;
  next?: string;
}

export function LoginPage({ t, assets, email, error, next }: LoginPageProps) {
  return (
    <Layout
      t={t}
      title={`${t("login.title")} · ${t("app.name")}`}
      assets={assets}
    >
      <main class="login">
        <h1>{t("app.name")}</h1>
        <p>{t("app.tagline")}</p>
        {error && <p class="alert" role="alert">{error}</p>}
        <form method="post" action="/login">
          {next && <input type="hidden" name="next" value={next} />}
          <label for="email">{t("login.email")}</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="username"
            required
            value={email ?? ""}
            autofocus
          />
          <label for="password">{t("login.password")}</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
          />
          <button type="submit">{t("login.submit")}</button>
        </form>
      </main>
    </Layout>
  );
}
