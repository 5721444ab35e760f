/** The contact list (F9, F13): search, favourites, and adding a contact. */
import type { T } from "../i18n/translate.ts";
import type { ContactListItem } from "../services/contacts.ts";
import type { User } from "../services/users.ts";
import { AppPage } from "./app_page.tsx";
import { ContactListItems } from "./contact_list.tsx";
import type { AssetUrls } from "./layout.tsx";

export interface ContactsPageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  contacts: ContactListItem[];
  q: string;
  favouritesOnly: boolean;
}

export function ContactsPage(props: ContactsPageProps) {
  const { t, q, favouritesOnly } = props;
  return (
    <AppPage
      t={t}
      assets={props.assets}
      csrfToken={props.csrfToken}
      user={props.user}
      title={t(favouritesOnly ? "nav.favourites" : "nav.contacts")}
      current={favouritesOnly ? "favourites" : "contacts"}
    >
      <p class="page-tools">
        <a class="button" href="/contacts/new">{t("contacts.new")}</a>
      </p>
      <form method="get" action="/contacts" class="search row" role="search">
        {favouritesOnly && <input type="hidden" name="fav" value="1" />}
        <label for="contact-q" class="visually-hidden">
          {t("contacts.search")}
        </label>
        <input
          type="search"
          id="contact-q"
          name="q"
          value={q}
          placeholder={t("contacts.search")}
          autocomplete="off"
          autofocus
          hx-get="/contacts/results"
          hx-trigger="input changed delay:300ms, search"
          hx-include="closest form"
          hx-target="#contact-results"
          hx-swap="innerHTML"
        />
        <button type="submit" class="quiet">{t("contacts.search")}</button>
      </form>
      <ul id="contact-results" class="contact-list" aria-live="polite">
        <ContactListItems
          t={t}
          contacts={props.contacts}
          q={q}
          favouritesOnly={favouritesOnly}
        />
      </ul>
    </AppPage>
  );
}
