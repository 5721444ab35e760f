/** The fields of a contact: for adding one, editing one, or linking a new one. */
import type { T } from "../i18n/translate.ts";
import type { ContactFields } from "../services/contacts.ts";

export interface ContactFormFieldsProps {
  t: T;
  /** unique per page: ids of the inputs start with it */
  idPrefix: string;
  values?: Partial<ContactFields>;
  /** the number of a contact with conversations cannot change */
  numberLocked?: boolean;
  /** put the cursor in the first field */
  autofocus?: boolean;
}

export function ContactFormFields(
  { t, idPrefix, values = {}, numberLocked, autofocus }: ContactFormFieldsProps,
) {
  const id = (f: string) => `${idPrefix}-${f}`;
  return (
    <div class="fields">
      <label for={id("name")}>{t("contacts.name")}</label>
      <input
        id={id("name")}
        name="name"
        maxlength={120}
        value={values.name ?? ""}
        autocomplete="off"
        autofocus={autofocus}
      />
      <label for={id("e164")}>{t("contacts.number")}</label>
      {numberLocked
        ? (
          <>
            <input type="hidden" name="e164" value={values.e164 ?? ""} />
            <input
              id={id("e164")}
              value={values.e164 ?? ""}
              readonly
              aria-describedby={id("e164-hint")}
            />
            <p class="hint" id={id("e164-hint")}>
              {t("contacts.number_locked")}
            </p>
          </>
        )
        : (
          <input
            id={id("e164")}
            name="e164"
            type="tel"
            required
            maxlength={24}
            value={values.e164 ?? ""}
            placeholder="+15551234567"
            autocomplete="off"
          />
        )}
      <label for={id("email")}>{t("contacts.email")}</label>
      <input
        id={id("email")}
        name="email"
        type="email"
        maxlength={254}
        value={values.email ?? ""}
        autocomplete="off"
      />
      <label for={id("company")}>{t("contacts.company")}</label>
      <input
        id={id("company")}
        name="company"
        maxlength={120}
        value={values.company ?? ""}
        autocomplete="off"
      />
      <label for={id("notes")}>{t("contacts.notes")}</label>
      <textarea id={id("notes")} name="notes" rows={3} maxlength={4000}>
        {values.notes ?? ""}
      </textarea>
    </div>
  );
}
