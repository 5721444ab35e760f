/**
 * "History before this inbox" (F6): conversations its numbers had in a
 * personal inbox before they were added here. Read-only; nothing was moved.
 */
import type { T } from "../i18n/translate.ts";
import type { LegacyConversation } from "../services/legacy_history.ts";
import type { User } from "../services/users.ts";
import { AppPage } from "./app_page.tsx";
import type { AssetUrls } from "./layout.tsx";

export interface HistoryPageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  inbox: { id: number; name: string };
  conversations: LegacyConversation[];
}

export function HistoryPage(props: HistoryPageProps) {
  const { t, inbox } = props;
  return (
    <AppPage
      t={t}
      assets={props.assets}
      csrfToken={props.csrfToken}
      user={props.user}
      title={t("history.title", { inbox: inbox.name })}
    >
      <p class="page-tools">
        <a href={`/inboxes/${inbox.id}`}>
          {t("settings.back", { inbox: inbox.name })}
        </a>
      </p>
      <p class="hint">{t("history.hint")}</p>
      {props.conversations.length === 0
        ? <p class="empty">{t("history.none")}</p>
        : (
          <ul class="contact-list history-list">
            {props.conversations.map((c) => (
              <li>
                <a href={`/inboxes/${inbox.id}/history/${c.id}`}>
                  <span class="who">
                    {c.contactName || c.contactE164}
                    {!c.contactName && ` (${t("contact.unknown")})`}
                  </span>
                  <span class="preview">
                    {t("history.row", {
                      number: c.numberE164,
                      count: c.count,
                      date: t.dateTime(c.lastAt),
                    })}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
    </AppPage>
  );
}
