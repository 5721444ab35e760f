/**
 * The canned-response picker as a page (no JavaScript): each one opens the
 * thread with the composer holding its text, filled in.
 */
import type { T } from "../i18n/translate.ts";
import type { CannedResponse } from "../services/canned_responses.ts";
import type { User } from "../services/users.ts";
import { AppPage } from "./app_page.tsx";
import type { AssetUrls } from "./layout.tsx";

export interface CannedUsePageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  conversationId: number;
  inboxId: number;
  responses: CannedResponse[];
}

export function CannedUsePage(props: CannedUsePageProps) {
  const { t, conversationId: id } = props;
  return (
    <AppPage
      t={t}
      assets={props.assets}
      csrfToken={props.csrfToken}
      user={props.user}
      title={t("canned.title")}
    >
      <p class="page-tools">
        <a href={`/conversations/${id}`}>{t("canned.back_to_thread")}</a>
        {" · "}
        <a href={`/inboxes/${props.inboxId}/canned`}>{t("canned.manage")}</a>
      </p>
      {props.responses.length === 0
        ? <p class="hint">{t("canned.none")}</p>
        : (
          <ul class="canned-list">
            {props.responses.map((r) => (
              <li>
                <a href={`/conversations/${id}?canned=${r.id}`}>
                  <code>/{r.keyPhrase}</code> <span>{r.body}</span>
                </a>
              </li>
            ))}
          </ul>
        )}
    </AppPage>
  );
}
