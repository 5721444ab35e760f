/**
 * A full page outside the inbox screen (contacts, inbox settings, canned
 * responses): the layout, a small header with the way back, and the content.
 */
import { LogoutForm } from "./live_controls.tsx";
import type { Child } from "hono/jsx";
import type { T } from "../i18n/translate.ts";
import type { User } from "../services/users.ts";
import { type AssetUrls, Layout } from "./layout.tsx";

export interface AppPageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  title: string;
  /** which header link is the current page */
  current?: "contacts" | "favourites" | "campaigns" | "surveys";
  children?: Child;
}

export function AppPage(props: AppPageProps) {
  const { t, csrfToken, user, current } = props;
  return (
    <Layout
      t={t}
      title={`${props.title} · ${t("app.name")}`}
      assets={props.assets}
      csrfToken={csrfToken}
    >
      <header class="top">
        <a class="brand" href="/">{t("app.name")}</a>
        <nav class="top-nav" aria-label={t("nav.main")}>
          <a href="/">{t("nav.inbox")}</a>
          <a
            href="/contacts"
            aria-current={current === "contacts" ? "page" : undefined}
          >
            {t("nav.contacts")}
          </a>
          <a
            href="/contacts?fav=1"
            aria-current={current === "favourites" ? "page" : undefined}
          >
            {t("nav.favourites")}
          </a>
          <a
            href="/campaigns"
            aria-current={current === "campaigns" ? "page" : undefined}
          >
            {t("nav.campaigns")}
          </a>
          <a href="/chats">{t("chats.title")}</a>
          <a
            href="/reports/surveys"
            aria-current={current === "surveys" ? "page" : undefined}
          >
            {t("nav.surveys")}
          </a>
        </nav>
        <LogoutForm t={t} csrfToken={csrfToken} email={user.email} />
      </header>
      <main class="page">
        <h1>{props.title}</h1>
        {props.children}
      </main>
    </Layout>
  );
}
