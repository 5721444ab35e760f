/**
 * One conversation of an inbox's history, read-only: the messages exchanged
 * on the number before it was added to the inbox. No composer, no actions.
 */
import type { T } from "../i18n/translate.ts";
import type { LegacyThread } from "../services/legacy_history.ts";
import type { User } from "../services/users.ts";
import { AppPage } from "./app_page.tsx";
import type { AssetUrls } from "./layout.tsx";

export interface HistoryThreadPageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  inbox: { id: number; name: string };
  thread: LegacyThread;
}

export function HistoryThreadPage(props: HistoryThreadPageProps) {
  const { t, inbox, thread } = props;
  const c = thread.conversation;
  const base = `/inboxes/${inbox.id}/history`;
  return (
    <AppPage
      t={t}
      assets={props.assets}
      csrfToken={props.csrfToken}
      user={props.user}
      title={c.contactName || c.contactE164}
    >
      <p class="page-tools">
        <a href={base}>{t("history.back", { inbox: inbox.name })}</a>
      </p>
      <p class="notice" role="note">
        {t("history.read_only", {
          number: c.numberE164,
          date: t.dateTime(c.addedAt),
        })}
      </p>
      <ol class="messages history-thread" aria-label={t("thread.label")}>
        {thread.messages.map((m) => (
          <li class={`msg ${m.direction}`}>
            {m.body}
            {m.attachments?.map((a) =>
              a.state === "stored"
                ? (
                  <a class="att file" href={`${base}/${c.id}/media/${a.id}`}>
                    📎 {a.filename || t("message.attachment")}
                  </a>
                )
                : null
            )}
            <span class="meta">
              <time datetime={new Date(m.createdAt).toISOString()}>
                {t.dateTime(m.createdAt)}
              </time>
            </span>
          </li>
        ))}
      </ol>
    </AppPage>
  );
}
