/** Contacts as list items, with an empty state that says what to do. */
import type { T } from "../i18n/translate.ts";
import type { ContactListItem } from "../services/contacts.ts";

export interface ContactListProps {
  t: T;
  contacts: ContactListItem[];
  q: string;
  favouritesOnly: boolean;
}

export function ContactListItems(
  { t, contacts, q, favouritesOnly }: ContactListProps,
) {
  if (contacts.length === 0) {
    return (
      <li class="empty">
        {q
          ? t("contacts.none_found", { q })
          : favouritesOnly
          ? t("contacts.no_favourites")
          : t("contacts.none")}
      </li>
    );
  }
  return (
    <>
      {contacts.map((c) => (
        <li>
          <a href={`/contacts/${c.id}`}>
            <span class="who">
              {c.favourite && (
                <span class="fav" aria-label={t("contacts.favourite")}>★</span>
              )}
              {c.name || c.e164}
              {!c.name && ` (${t("contact.unknown")})`}
              {c.spam && <span class="badge spam">{t("thread.spam")}</span>}
            </span>
            <span class="preview">
              {c.name ? c.e164 : ""}
              {c.company && ` · ${c.company}`}
            </span>
          </a>
        </li>
      ))}
    </>
  );
}
