/** Contacts found for "link a different contact" (F29), each with its button. */
import type { T } from "../i18n/translate.ts";
import type { ContactListItem } from "../services/contacts.ts";
import { ActionForm } from "./action_form.tsx";

export interface ContactLinkResultsProps {
  t: T;
  conversationId: number;
  /** the contact linked now: not offered again */
  currentContactId: number;
  q: string;
  results: ContactListItem[];
  csrfToken: string;
}

export function ContactLinkResults(props: ContactLinkResultsProps) {
  const { t, conversationId, q, csrfToken } = props;
  const results = props.results.filter((r) => r.id !== props.currentContactId);
  if (!q) return null;
  if (results.length === 0) {
    return <li class="hint">{t("contacts.none_found", { q })}</li>;
  }
  return (
    <>
      {results.map((r) => (
        <li>
          <span>
            {r.name || r.e164}
            {r.name && <small>{r.e164}</small>}
          </span>
          <ActionForm
            action={`/conversations/${conversationId}/contact`}
            csrfToken={csrfToken}
            errorTarget={`#panel-msg-${conversationId}`}
            confirm={t("contacts.link_confirm", { number: r.e164 })}
          >
            <input type="hidden" name="contact_id" value={String(r.id)} />
            <button type="submit" class="quiet">
              {t("contacts.link")}
              <span class="visually-hidden">{r.name || r.e164}</span>
            </button>
          </ActionForm>
        </li>
      ))}
    </>
  );
}
