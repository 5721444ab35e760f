/**
 * Phone numbers (admins): where each number is, and the two moves — give it
 * to someone as their personal number (F5), or add it to a shared inbox,
 * which leaves its earlier conversations behind as that inbox's history (F6).
 */
import type { T } from "../i18n/translate.ts";
import type { NumbersOverview } from "../services/personal_numbers.ts";
import type { User } from "../services/users.ts";
import { ActionForm } from "./action_form.tsx";
import { AppPage } from "./app_page.tsx";
import type { AssetUrls } from "./layout.tsx";

export interface AdminNumbersPageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  overview: NumbersOverview;
  saved?: boolean;
  error?: string;
}

export function AdminNumbersPage(props: AdminNumbersPageProps) {
  const { t, csrfToken, overview: o } = props;
  const errorTarget = "#numbers-msg";
  return (
    <AppPage
      t={t}
      assets={props.assets}
      csrfToken={csrfToken}
      user={props.user}
      title={t("numbers.title")}
    >
      <p class="hint">{t("numbers.hint")}</p>
      <p id="numbers-msg" class="action-msg" role="alert">
        {props.error ?? ""}
      </p>
      {props.saved && <p class="ok" role="status">{t("settings.saved")}</p>}
      {o.numbers.length === 0 && <p class="empty">{t("numbers.none")}</p>}
      {o.numbers.map((n) => (
        <section class="card number-card" id={`number-${n.id}`}>
          <h2>
            {n.e164}{" "}
            <span class={`chan ${n.channel}`}>
              {t(n.channel === "whatsapp" ? "channel.whatsapp" : "channel.sms")}
            </span>
          </h2>
          {n.label && <p class="hint">{n.label}</p>}
          <p>
            {n.inboxKind === "personal"
              ? t("numbers.personal_of", { name: n.ownerName ?? "" })
              : n.inboxName
              ? t("numbers.in_inbox", { inbox: n.inboxName })
              : t("numbers.unplaced")}
          </p>
          <ActionForm
            action={`/admin/numbers/${n.id}/personal`}
            csrfToken={csrfToken}
            errorTarget={errorTarget}
            class="action row"
          >
            <label for={`personal-${n.id}`}>{t("numbers.give_to")}</label>
            <select id={`personal-${n.id}`} name="user_id" required>
              {n.inboxKind !== "personal" && (
                <option value="" selected>{t("numbers.pick_person")}</option>
              )}
              {o.people.map((p) => (
                <option
                  value={String(p.id)}
                  selected={n.inboxKind === "personal" && p.id === n.ownerId}
                >
                  {p.name} ({p.email})
                </option>
              ))}
            </select>
            <button type="submit">{t("numbers.give")}</button>
          </ActionForm>
          {o.sharedInboxes.length > 0 && (
            <ActionForm
              action={`/admin/numbers/${n.id}/inbox`}
              csrfToken={csrfToken}
              errorTarget={errorTarget}
              class="action row"
              confirm={n.inboxKind === "personal"
                ? t("numbers.add_confirm_personal")
                : undefined}
            >
              <label for={`inbox-${n.id}`}>{t("numbers.add_to")}</label>
              <select id={`inbox-${n.id}`} name="inbox_id" required>
                {n.inboxKind !== "shared" && (
                  <option value="" selected>{t("numbers.pick_inbox")}</option>
                )}
                {o.sharedInboxes.map((i) => (
                  <option value={String(i.id)} selected={i.id === n.inboxId}>
                    {i.name}
                  </option>
                ))}
              </select>
              <button type="submit">{t("numbers.add")}</button>
            </ActionForm>
          )}
        </section>
      ))}
    </AppPage>
  );
}
