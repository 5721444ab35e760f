/**
 * An inbox's settings, for its managers (F15, F16, F18): assignment mode,
 * moving conversations out, members, and tags.
 */
import type { T } from "../i18n/translate.ts";
import type { InboxSettingsView } from "../services/inbox_settings.ts";
import type { Tag } from "../services/tags.ts";
import type { User } from "../services/users.ts";
import { ActionForm } from "./action_form.tsx";
import { AppPage } from "./app_page.tsx";
import type { AutoAssignmentSettings } from "../services/auto_assignment.ts";
import { AutoAssignmentForm } from "./auto_assignment_form.tsx";
import type { AssetUrls } from "./layout.tsx";
import { TagChip } from "./tag_chip.tsx";
import { TagColorPicker } from "./tag_color_picker.tsx";

export interface InboxSettingsPageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  settings: InboxSettingsView;
  tags: Tag[];
  /** round-robin auto-assignment (shared inboxes) */
  autoAssignment?: AutoAssignmentSettings;
  /** a confirmation after a change that redirected here */
  saved?: boolean;
  error?: string;
}

export function InboxSettingsPage(props: InboxSettingsPageProps) {
  const { t, csrfToken, settings: s } = props;
  const base = `/inboxes/${s.inbox.id}`;
  const errorTarget = "#settings-msg";
  return (
    <AppPage
      t={t}
      assets={props.assets}
      csrfToken={csrfToken}
      user={props.user}
      title={t("settings.title", { inbox: s.inbox.name })}
    >
      <p class="page-tools">
        <a href={base}>{t("settings.back", { inbox: s.inbox.name })}</a>
        {" · "}
        <a href={`${base}/canned`}>{t("canned.title")}</a>
      </p>
      <p id="settings-msg" class="action-msg" role="alert">
        {props.error ?? ""}
      </p>
      {props.saved && <p class="ok" role="status">{t("settings.saved")}</p>}

      <section class="card">
        <h2>{t("settings.work")}</h2>
        <ActionForm
          action={`${base}/settings`}
          csrfToken={csrfToken}
          errorTarget={errorTarget}
          class="action stack"
        >
          <label class="check">
            <input
              type="checkbox"
              name="assignment_mode"
              value="1"
              checked={s.inbox.assignmentMode}
            />
            <span>
              {t("settings.assignment_mode")}
              <small>{t("settings.assignment_mode_hint")}</small>
            </span>
          </label>
          <label class="check">
            <input
              type="checkbox"
              name="allow_move"
              value="1"
              checked={s.inbox.allowMove}
            />
            <span>
              {t("settings.allow_move")}
              <small>{t("settings.allow_move_hint")}</small>
            </span>
          </label>
          <button type="submit">{t("settings.save")}</button>
        </ActionForm>
      </section>

      {s.inbox.kind === "shared" && props.autoAssignment && (
        <AutoAssignmentForm
          t={t}
          inboxId={s.inbox.id}
          csrfToken={csrfToken}
          settings={props.autoAssignment}
          errorTarget={errorTarget}
        />
      )}

      <section class="card">
        <h2>{t("settings.members")}</h2>
        <ul class="plain-list">
          {s.members.map((m) => (
            <li>
              <span>
                {m.name} <small>{t(`role.${m.role}`)}</small>
              </span>
              {s.members.length > 1 && (
                <ActionForm
                  action={`${base}/members/${m.id}/remove`}
                  csrfToken={csrfToken}
                  errorTarget={errorTarget}
                  confirm={t("settings.remove_confirm", { name: m.name })}
                >
                  <button type="submit" class="quiet danger">
                    {t("settings.remove")}
                    <span class="visually-hidden">{m.name}</span>
                  </button>
                </ActionForm>
              )}
            </li>
          ))}
        </ul>
        {s.others.length > 0 && (
          <ActionForm
            action={`${base}/members`}
            csrfToken={csrfToken}
            errorTarget={errorTarget}
            class="action row"
          >
            <label for="add-member">{t("settings.add_member")}</label>
            <select id="add-member" name="user_id">
              {s.others.map((u) => (
                <option value={String(u.id)}>{u.name} ({u.email})</option>
              ))}
            </select>
            <button type="submit">{t("settings.add")}</button>
          </ActionForm>
        )}
      </section>

      <section class="card">
        <h2>{t("tags.title")}</h2>
        {props.tags.length === 0
          ? <p class="hint">{t("tags.none_in_inbox")}</p>
          : (
            <ul class="plain-list">
              {props.tags.map((tag) => (
                <li>
                  <TagChip tag={tag} />
                  <ActionForm
                    action={`${base}/tags/${tag.id}/delete`}
                    csrfToken={csrfToken}
                    errorTarget={errorTarget}
                    confirm={t("tags.delete_confirm", { tag: tag.name })}
                  >
                    <button type="submit" class="quiet danger">
                      {t("tags.delete")}
                      <span class="visually-hidden">{tag.name}</span>
                    </button>
                  </ActionForm>
                </li>
              ))}
            </ul>
          )}
        <ActionForm
          action={`${base}/tags`}
          csrfToken={csrfToken}
          errorTarget={errorTarget}
          class="action stack"
        >
          <label for="tag-name">{t("tags.new")}</label>
          <input
            id="tag-name"
            name="name"
            required
            maxlength={40}
            autocomplete="off"
          />
          <TagColorPicker t={t} idPrefix="tag-color" />
          <button type="submit">{t("tags.create")}</button>
        </ActionForm>
      </section>
    </AppPage>
  );
}
