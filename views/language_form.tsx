/**
 * The user's language and time zone (issue 9): a plain form; an empty
 * language follows the browser's Accept-Language, an empty zone is UTC.
 */
import { LOCALES, type T } from "../i18n/translate.ts";
import type { User } from "../services/users.ts";

export interface LanguageFormProps {
  t: T;
  csrfToken: string;
  user: User;
}

export function LanguageForm({ t, csrfToken, user }: LanguageFormProps) {
  return (
    <section class="card" aria-labelledby="language-title">
      <h2 id="language-title">{t("me.language_title")}</h2>
      <form class="action stack" method="post" action="/me/language">
        <input type="hidden" name="_csrf" value={csrfToken} />
        <label for="me-locale">{t("me.language")}</label>
        <select id="me-locale" name="locale">
          <option value="" selected={!user.locale}>
            {t("me.language_auto")}
          </option>
          {LOCALES.map((l) => (
            <option value={l} lang={l} selected={user.locale === l}>
              {t(`language.${l}`)}
            </option>
          ))}
        </select>
        <label for="me-time-zone">{t("me.time_zone")}</label>
        <input
          id="me-time-zone"
          name="time_zone"
          value={user.timeZone ?? ""}
          maxlength={64}
          autocomplete="off"
          spellcheck={false}
          aria-describedby="me-time-zone-hint"
        />
        <p class="hint" id="me-time-zone-hint">{t("me.time_zone_hint")}</p>
        <button type="submit">{t("settings.save")}</button>
      </form>
    </section>
  );
}
