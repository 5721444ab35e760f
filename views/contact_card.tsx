/**
 * A contact's card (F13): details, call and meeting links, favourite, edit,
 * per-number opt-out and the history of their conversations in the user's
 * inboxes. The same card is the contact page and the thread's side panel.
 */
import type { T } from "../i18n/translate.ts";
import type { ContactDetails } from "../services/contacts.ts";
import { ActionForm } from "./action_form.tsx";
import { ContactFormFields } from "./contact_form.tsx";

export interface ContactCardProps {
  t: T;
  details: ContactDetails;
  csrfToken: string;
  /** from MEETING_URL_TEMPLATE; no link when it is not configured */
  meetingUrl?: string;
  /** the thread the card is shown beside, if any */
  conversationId?: number;
}

export function ContactCard(
  { t, details, csrfToken, meetingUrl, conversationId }: ContactCardProps,
) {
  const c = details.contact;
  const base = `/contacts/${c.id}`;
  const errorTarget = `#contact-msg-${c.id}`;
  const context = conversationId
    ? (
      <input
        type="hidden"
        name="conversation_id"
        value={String(conversationId)}
      />
    )
    : null;
  return (
    <section
      id={`contact-card-${c.id}`}
      class="contact-card"
      aria-labelledby={`contact-title-${c.id}`}
    >
      <h3 id={`contact-title-${c.id}`}>
        {c.name || c.e164}
        {!c.name && ` (${t("contact.unknown")})`}
        {c.spam && <span class="badge spam">{t("thread.spam")}</span>}
      </h3>
      <div class="contact-links">
        <a class="button" href={`tel:${c.e164}`}>
          {t("contacts.call", { number: c.e164 })}
        </a>
        {meetingUrl && (
          <a
            class="button quiet"
            href={meetingUrl}
            target="_blank"
            rel="noopener noreferrer"
          >
            {t("contacts.meeting")}
          </a>
        )}
        <ActionForm
          action={`${base}/favourite`}
          csrfToken={csrfToken}
          errorTarget={errorTarget}
        >
          {context}
          <input
            type="hidden"
            name="favourite"
            value={details.favourite ? "0" : "1"}
          />
          <button
            type="submit"
            class="quiet"
            aria-pressed={details.favourite ? "true" : "false"}
          >
            <span aria-hidden="true">{details.favourite ? "★ " : "☆ "}</span>
            {t("contacts.favourite")}
          </button>
        </ActionForm>
      </div>
      <dl class="facts">
        <dt>{t("contacts.number")}</dt>
        <dd>{c.e164}</dd>
        {c.email && (
          <>
            <dt>{t("contacts.email")}</dt>
            <dd>
              <a href={`mailto:${c.email}`}>{c.email}</a>
            </dd>
          </>
        )}
        {c.company && (
          <>
            <dt>{t("contacts.company")}</dt>
            <dd>{c.company}</dd>
          </>
        )}
        {c.notes && (
          <>
            <dt>{t("contacts.notes")}</dt>
            <dd class="notes">{c.notes}</dd>
          </>
        )}
      </dl>
      <details class="edit">
        <summary>{t("contacts.edit")}</summary>
        <ActionForm
          action={base}
          csrfToken={csrfToken}
          errorTarget={errorTarget}
          class="action stack"
        >
          {context}
          <ContactFormFields
            t={t}
            idPrefix={`contact-${c.id}`}
            values={c}
            numberLocked={details.hasConversations}
          />
          <button type="submit">{t("contacts.save")}</button>
        </ActionForm>
      </details>

      <section class="panel-section">
        <h4>{t("contacts.numbers_title")}</h4>
        {details.numbers.length === 0
          ? <p class="hint">{t("contacts.no_numbers")}</p>
          : (
            <ul class="opt-list">
              {details.numbers.map((n) => (
                <li>
                  <span>
                    {n.e164} · {n.inboxName}
                    <br />
                    <small>
                      {n.optedOut
                        ? t(
                          n.optedOut.source === "keyword"
                            ? "contacts.opted_out_keyword"
                            : "contacts.opted_out_manual",
                        )
                        : t("contacts.opted_in")}
                    </small>
                  </span>
                  <ActionForm
                    action={`${base}/opt-out`}
                    csrfToken={csrfToken}
                    errorTarget={errorTarget}
                    confirm={n.optedOut
                      ? undefined
                      : t("contacts.opt_out_confirm", { number: n.e164 })}
                  >
                    {context}
                    <input
                      type="hidden"
                      name="number_id"
                      value={String(n.numberId)}
                    />
                    <input
                      type="hidden"
                      name="opted_out"
                      value={n.optedOut ? "0" : "1"}
                    />
                    <button type="submit" class="quiet">
                      {t(n.optedOut ? "contacts.opt_in" : "contacts.opt_out")}
                    </button>
                  </ActionForm>
                </li>
              ))}
            </ul>
          )}
      </section>

      <section class="panel-section">
        <h4>{t("contacts.history")}</h4>
        {details.history.length === 0
          ? <p class="hint">{t("contacts.no_history")}</p>
          : (
            <ul class="history">
              {details.history.map((h) => (
                <li aria-current={h.id === conversationId ? "true" : undefined}>
                  <a href={`/conversations/${h.id}`}>
                    <span class={`chan ${h.channel}`}>
                      {t(
                        h.channel === "whatsapp"
                          ? "channel.whatsapp"
                          : "channel.sms",
                      )}
                    </span>
                    {h.inboxName} · {h.numberE164}
                    {" · "}
                    {t(
                      h.spam
                        ? "thread.spam"
                        : h.status === "open"
                        ? "thread.open"
                        : "thread.closed",
                    )}
                  </a>
                  <small>
                    <time datetime={new Date(h.lastMessageAt).toISOString()}>
                      {t.dateTime(h.lastMessageAt)}
                    </time>
                    {h.preview && ` · ${h.preview}`}
                  </small>
                </li>
              ))}
            </ul>
          )}
      </section>
      <p id={`contact-msg-${c.id}`} class="action-msg" role="alert"></p>
    </section>
  );
}
