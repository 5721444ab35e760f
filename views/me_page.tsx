/**
 * The user's own settings (F26): status and message, the inbox queues they
 * are logged into, notification preferences per inbox, and the personal
 * inboxes they own with who else may see them.
 */
import type { T } from "../i18n/translate.ts";
import type { InboxNotifyPref } from "../services/notifications.ts";
import { NOTIFY_LEVELS } from "../services/notifications.ts";
import type { ownedPersonalInboxes } from "../services/personal_numbers.ts";
import type { Presence, QueueState } from "../services/presence.ts";
import type { User } from "../services/users.ts";
import { AppPage } from "./app_page.tsx";
import type { AssetUrls } from "./layout.tsx";
import { QueueRow } from "./queue_row.tsx";
import { LanguageForm } from "./language_form.tsx";
import { StatusForm } from "./status_form.tsx";

export interface MePageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  me: Presence;
  queues: QueueState[];
  prefs: InboxNotifyPref[];
  personal: Awaited<ReturnType<typeof ownedPersonalInboxes>>;
  saved?: boolean;
  error?: string;
}

export function MePage(props: MePageProps) {
  const { t, csrfToken, me } = props;
  const shared = props.queues.filter((q) => q.kind === "shared");
  return (
    <AppPage
      t={t}
      assets={props.assets}
      csrfToken={csrfToken}
      user={props.user}
      title={t("me.title")}
    >
      <p id="me-msg" class="action-msg" role="alert">{props.error ?? ""}</p>
      {props.saved && <p class="ok" role="status">{t("settings.saved")}</p>}

      <section class="card">
        <h2>{t("presence.my_status")}</h2>
        <StatusForm
          t={t}
          csrfToken={csrfToken}
          me={me}
          idPrefix="me-status"
          back="/me?saved=1"
          hideLegend
        />
      </section>

      <LanguageForm t={t} csrfToken={csrfToken} user={props.user} />

      <section class="card">
        <h2>{t("queue.title")}</h2>
        <p class="hint">{t("queue.hint")}</p>
        {shared.length === 0
          ? <p class="empty">{t("queue.none")}</p>
          : (
            <ul class="plain-list">
              {shared.map((q) => (
                <QueueRow
                  t={t}
                  queue={q}
                  userId={me.id}
                  csrfToken={csrfToken}
                />
              ))}
            </ul>
          )}
      </section>

      <section class="card">
        <h2>{t("notify.title")}</h2>
        <p class="hint">{t("notify.hint")}</p>
        <button type="button" class="quiet" data-notify-enable hidden>
          {t("notify.enable")}
        </button>
        <ul class="plain-list notify-prefs">
          {props.prefs.map((p) => (
            <li>
              <form
                class="action row"
                method="post"
                action={`/me/notifications/${p.inboxId}`}
                hx-post={`/me/notifications/${p.inboxId}`}
                hx-trigger="change"
                hx-target="#me-msg"
                hx-swap="innerHTML"
              >
                <input type="hidden" name="_csrf" value={csrfToken} />
                <label for={`notify-${p.inboxId}`}>{p.name}</label>
                <select id={`notify-${p.inboxId}`} name="level">
                  {NOTIFY_LEVELS.map((l) => (
                    <option value={l} selected={p.level === l}>
                      {t(`notify.level_${l}`)}
                    </option>
                  ))}
                </select>
                <label class="check" for={`notify-sound-${p.inboxId}`}>
                  <input
                    type="checkbox"
                    id={`notify-sound-${p.inboxId}`}
                    name="sound"
                    value="1"
                    checked={p.sound}
                  />
                  {t("notify.sound")}
                </label>
                <noscript>
                  <button type="submit" class="quiet">
                    {t("settings.save")}
                  </button>
                </noscript>
              </form>
            </li>
          ))}
        </ul>
      </section>

      {props.personal.length > 0 && (
        <section class="card">
          <h2>{t("personal.title")}</h2>
          <p class="hint">{t("personal.hint")}</p>
          {props.personal.map((i) => (
            <div class="personal-inbox">
              <p>
                <a href={`/inboxes/${i.id}`}>
                  {i.numbers.length
                    ? i.numbers.map((n) => n.e164).join(", ")
                    : t("personal.no_numbers")}
                </a>
              </p>
              <p class="hint">
                {i.members.length
                  ? t("personal.shared_with", {
                    names: i.members.map((m) => m.name).join(", "),
                  })
                  : t("personal.only_you")}
              </p>
              <a class="button quiet" href={`/inboxes/${i.id}/settings`}>
                {t("personal.manage")}
              </a>
            </div>
          ))}
        </section>
      )}
    </AppPage>
  );
}
