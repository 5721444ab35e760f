/** One contact on a page of its own. */
import type { T } from "../i18n/translate.ts";
import type { ContactDetails } from "../services/contacts.ts";
import type { User } from "../services/users.ts";
import { AppPage } from "./app_page.tsx";
import { ContactCard } from "./contact_card.tsx";
import type { AssetUrls } from "./layout.tsx";

export interface ContactPageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  details: ContactDetails;
  meetingUrl?: string;
}

export function ContactPage(props: ContactPageProps) {
  const { t, details } = props;
  return (
    <AppPage
      t={t}
      assets={props.assets}
      csrfToken={props.csrfToken}
      user={props.user}
      title={details.contact.name || details.contact.e164}
      current="contacts"
    >
      <ContactCard
        t={t}
        details={details}
        csrfToken={props.csrfToken}
        meetingUrl={props.meetingUrl}
      />
    </AppPage>
  );
}
