/** Adding a contact. */
import type { T } from "../i18n/translate.ts";
import type { ContactFields } from "../services/contacts.ts";
import type { User } from "../services/users.ts";
import { AppPage } from "./app_page.tsx";
import { ContactFormFields } from "./contact_form.tsx";
import type { AssetUrls } from "./layout.tsx";

export interface ContactNewPageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  values?: Partial<ContactFields>;
  error?: string;
}

export function ContactNewPage(props: ContactNewPageProps) {
  const { t } = props;
  return (
    <AppPage
      t={t}
      assets={props.assets}
      csrfToken={props.csrfToken}
      user={props.user}
      title={t("contacts.new")}
      current="contacts"
    >
      {props.error && <p class="alert" role="alert">{props.error}</p>}
      <form method="post" action="/contacts" class="stack">
        <input type="hidden" name="_csrf" value={props.csrfToken} />
        <ContactFormFields
          t={t}
          idPrefix="new-contact"
          values={props.values}
          autofocus
        />
        <button type="submit">{t("contacts.save")}</button>
      </form>
    </AppPage>
  );
}
