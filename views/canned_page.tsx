/**
 * An inbox's canned responses (F10): add, edit and delete, with the
 * placeholders they may hold. Shared by everyone in the inbox.
 */
import type { T } from "../i18n/translate.ts";
import type { CannedResponse } from "../services/canned_responses.ts";
import type { User } from "../services/users.ts";
import { ActionForm } from "./action_form.tsx";
import { AppPage } from "./app_page.tsx";
import type { AssetUrls } from "./layout.tsx";

export interface CannedPageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  inbox: { id: number; name: string };
  responses: CannedResponse[];
  error?: string;
}

function CannedFields(
  { t, idPrefix, values, autofocus }: {
    t: T;
    idPrefix: string;
    values?: CannedResponse;
    autofocus?: boolean;
  },
) {
  return (
    <>
      <label for={`${idPrefix}-key`}>{t("canned.key_phrase")}</label>
      <input
        id={`${idPrefix}-key`}
        name="key_phrase"
        required
        maxlength={41}
        pattern="/?[\p{L}\p{N}_\-]{1,40}"
        value={values?.keyPhrase ?? ""}
        autocomplete="off"
        autofocus={autofocus}
        aria-describedby={`${idPrefix}-key-hint`}
      />
      <p class="hint" id={`${idPrefix}-key-hint`}>{t("canned.key_hint")}</p>
      <label for={`${idPrefix}-body`}>{t("canned.body")}</label>
      <textarea
        id={`${idPrefix}-body`}
        name="body"
        rows={4}
        required
        maxlength={1600}
        aria-describedby="canned-placeholders"
      >
        {values?.body ?? ""}
      </textarea>
    </>
  );
}

export function CannedPage(props: CannedPageProps) {
  const { t, csrfToken, inbox } = props;
  const base = `/inboxes/${inbox.id}/canned`;
  const errorTarget = "#canned-msg";
  return (
    <AppPage
      t={t}
      assets={props.assets}
      csrfToken={csrfToken}
      user={props.user}
      title={t("canned.page_title", { inbox: inbox.name })}
    >
      <p class="page-tools">
        <a href={`/inboxes/${inbox.id}`}>
          {t("settings.back", { inbox: inbox.name })}
        </a>
      </p>
      <p id="canned-msg" class="action-msg" role="alert">
        {props.error ?? ""}
      </p>
      <p class="hint" id="canned-placeholders">{t("canned.placeholders")}</p>
      <section class="card">
        <h2>{t("canned.new")}</h2>
        <ActionForm
          action={base}
          csrfToken={csrfToken}
          errorTarget={errorTarget}
          class="action stack"
        >
          <CannedFields t={t} idPrefix="canned-new" autofocus />
          <button type="submit">{t("canned.create")}</button>
        </ActionForm>
      </section>
      <section class="card">
        <h2>{t("canned.title")}</h2>
        {props.responses.length === 0
          ? <p class="hint">{t("canned.none")}</p>
          : (
            <ul class="canned-list">
              {props.responses.map((r) => (
                <li id={`canned-${r.id}`}>
                  <details>
                    <summary>
                      <code>/{r.keyPhrase}</code> <span>{r.body}</span>
                    </summary>
                    <ActionForm
                      action={`${base}/${r.id}`}
                      csrfToken={csrfToken}
                      errorTarget={errorTarget}
                      class="action stack"
                    >
                      <CannedFields
                        t={t}
                        idPrefix={`canned-${r.id}`}
                        values={r}
                      />
                      <button type="submit">{t("canned.save")}</button>
                    </ActionForm>
                    <ActionForm
                      action={`${base}/${r.id}/delete`}
                      csrfToken={csrfToken}
                      errorTarget={errorTarget}
                      confirm={t("canned.delete_confirm", {
                        key: r.keyPhrase,
                      })}
                    >
                      <button type="submit" class="quiet danger">
                        {t("canned.delete")}
                      </button>
                    </ActionForm>
                  </details>
                </li>
              ))}
            </ul>
          )}
      </section>
    </AppPage>
  );
}
