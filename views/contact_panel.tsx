/**
 * The contact beside a thread (F14): their card, and linking the
 * conversation to a different or a new contact (F29).
 */
import type { T } from "../i18n/translate.ts";
import type { ContactDetails, ContactListItem } from "../services/contacts.ts";
import { ActionForm } from "./action_form.tsx";
import { ContactCard } from "./contact_card.tsx";
import { ContactFormFields } from "./contact_form.tsx";
import { ContactLinkResults } from "./contact_link_results.tsx";
import { PanelClose } from "./panel_close.tsx";

export interface ContactPanelProps {
  t: T;
  conversationId: number;
  details: ContactDetails;
  csrfToken: string;
  meetingUrl?: string;
  q?: string;
  results?: ContactListItem[];
}

export function ContactPanel(props: ContactPanelProps) {
  const { t, conversationId: id, details, csrfToken } = props;
  const q = props.q ?? "";
  return (
    <section
      id={`panel-contact-${id}`}
      class="panel"
      aria-labelledby={`panel-contact-title-${id}`}
    >
      <header class="panel-head">
        <h3 id={`panel-contact-title-${id}`}>{t("panel.contact")}</h3>
        <PanelClose t={t} conversationId={id} />
      </header>
      <ContactCard
        t={t}
        details={details}
        csrfToken={csrfToken}
        meetingUrl={props.meetingUrl}
        conversationId={id}
      />
      <section class="panel-section">
        <h4>{t("contacts.link_title")}</h4>
        <form
          method="get"
          action={`/conversations/${id}`}
          class="search row"
          role="search"
        >
          <input type="hidden" name="panel" value="contact" />
          <label for={`link-q-${id}`} class="visually-hidden">
            {t("contacts.search")}
          </label>
          <input
            type="search"
            id={`link-q-${id}`}
            name="q"
            value={q}
            placeholder={t("contacts.search")}
            autocomplete="off"
            hx-get={`/conversations/${id}/panel/contact/search`}
            hx-trigger="input changed delay:300ms, search"
            hx-target={`#link-results-${id}`}
            hx-swap="innerHTML"
          />
          <button type="submit" class="quiet">{t("contacts.search")}</button>
        </form>
        <ul id={`link-results-${id}`} class="link-results">
          <ContactLinkResults
            t={t}
            conversationId={id}
            currentContactId={details.contact.id}
            q={q}
            results={props.results ?? []}
            csrfToken={csrfToken}
          />
        </ul>
        <details class="new-contact">
          <summary>{t("contacts.link_new")}</summary>
          <ActionForm
            action={`/conversations/${id}/contact/new`}
            csrfToken={csrfToken}
            errorTarget={`#panel-msg-${id}`}
            confirm={t("contacts.link_new_confirm")}
            class="action stack"
          >
            <ContactFormFields t={t} idPrefix={`link-new-${id}`} />
            <button type="submit">{t("contacts.link_new_submit")}</button>
          </ActionForm>
        </details>
      </section>
      <p id={`panel-msg-${id}`} class="action-msg" role="alert"></p>
    </section>
  );
}
