/**
 * Starting a conversation (F1): who to (a contact found by name or number,
 * or a typed number), which of the user's numbers it goes from, and the
 * first message. A plain form; htmx shows contact matches as you type.
 */
import type { T } from "../i18n/translate.ts";
import type {
  ContactChoice,
  SendingNumber,
} from "../services/new_conversation.ts";

export interface ContactChoicesProps {
  t: T;
  contacts: ContactChoice[];
  selectedId?: number;
}

/** Matching contacts as radio buttons; "none" keeps the typed number. */
export function ContactChoices(
  { t, contacts, selectedId }: ContactChoicesProps,
) {
  if (contacts.length === 0) return <div id="new-contacts"></div>;
  return (
    <fieldset id="new-contacts" class="contact-choices">
      <legend>{t("new.matches")}</legend>
      <label>
        <input
          type="radio"
          name="contact_id"
          value=""
          checked={selectedId === undefined}
        />
        {t("new.use_typed")}
      </label>
      {contacts.map((c) => (
        <label>
          <input
            type="radio"
            name="contact_id"
            value={String(c.id)}
            checked={c.id === selectedId}
          />
          {c.name || t("contact.unknown")} <span class="num">{c.e164}</span>
        </label>
      ))}
    </fieldset>
  );
}

export interface NewConversationFormProps {
  t: T;
  csrfToken: string;
  numbers: SendingNumber[];
  /** preselects the first number of this inbox */
  inboxId?: number;
  numberId?: number;
  to?: string;
  body?: string;
  contacts?: ContactChoice[];
  contactId?: number;
  error?: string;
}

export function NewConversationForm(props: NewConversationFormProps) {
  const { t, numbers, error } = props;
  const chosen = props.numberId ??
    numbers.find((n) => n.inboxId === props.inboxId)?.id ?? numbers[0]?.id;
  const inboxes = [...new Map(numbers.map((n) => [n.inboxId, n.inboxName]))];
  return (
    <section class="new-conv" aria-labelledby="new-title">
      <header class="thread-head">
        <a
          class="back button quiet"
          href={props.inboxId ? `/inboxes/${props.inboxId}` : "/"}
        >
          <span aria-hidden="true">←</span>
          <span class="visually-hidden">{t("thread.back")}</span>
        </a>
        <h2 id="new-title">{t("new.title")}</h2>
      </header>
      <form
        class="new-conv-form"
        method="post"
        action="/conversations"
        hx-post="/conversations"
        hx-target="#thread-pane"
        hx-swap="innerHTML"
        hx-disable="find button"
      >
        <input type="hidden" name="_csrf" value={props.csrfToken} />
        <input type="hidden" name="client_key" value={crypto.randomUUID()} />
        {error && <p class="error" role="alert" id="new-error">{error}</p>}
        <label for="new-to">{t("new.to")}</label>
        <input
          id="new-to"
          name="to"
          type="text"
          inputmode="text"
          autocomplete="off"
          maxlength={100}
          value={props.to ?? ""}
          placeholder={t("new.to_placeholder")}
          aria-describedby="new-to-help"
          aria-invalid={error ? "true" : undefined}
          hx-get="/conversations/new/contacts"
          hx-trigger="input changed delay:300ms"
          hx-target="#new-contacts"
          hx-swap="outerHTML"
          hx-sync="this:replace"
        />
        <p class="help" id="new-to-help">{t("new.to_help")}</p>
        <ContactChoices
          t={t}
          contacts={props.contacts ?? []}
          selectedId={props.contactId}
        />
        <label for="new-from">{t("new.from")}</label>
        <select id="new-from" name="number_id" required>
          {inboxes.map(([inboxId, name]) => (
            <optgroup label={name}>
              {numbers.filter((n) => n.inboxId === inboxId).map((n) => (
                <option value={String(n.id)} selected={n.id === chosen}>
                  {n.label ? `${n.label} · ${n.e164}` : n.e164}
                  {n.channel === "whatsapp"
                    ? ` (${t("channel.whatsapp")})`
                    : ""}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        <label for="new-body">{t("new.message")}</label>
        <textarea id="new-body" name="body" rows={4} maxlength={1600} required>
          {props.body ?? ""}
        </textarea>
        <button type="submit">{t("new.send")}</button>
      </form>
    </section>
  );
}
