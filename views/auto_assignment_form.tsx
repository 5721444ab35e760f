/** The inbox settings' auto-assignment section (managers, admins). */
import type { T } from "../i18n/translate.ts";
import {
  type AutoAssignmentSettings,
  MAX_OPEN_LIMIT,
} from "../services/auto_assignment.ts";
import { ActionForm } from "./action_form.tsx";

export function AutoAssignmentForm(
  { t, inboxId, csrfToken, settings, errorTarget }: {
    t: T;
    inboxId: number;
    csrfToken: string;
    settings: AutoAssignmentSettings;
    errorTarget: string;
  },
) {
  return (
    <section class="card">
      <h2>{t("auto.title")}</h2>
      <ActionForm
        action={`/inboxes/${inboxId}/auto-assignment`}
        csrfToken={csrfToken}
        errorTarget={errorTarget}
        class="action stack"
      >
        <label class="check">
          <input
            type="checkbox"
            name="enabled"
            value="1"
            checked={settings.enabled}
          />
          <span>
            {t("auto.enabled")}
            <small>{t("auto.hint")}</small>
          </span>
        </label>
        <label for="auto-cap">{t("auto.cap")}</label>
        <input
          id="auto-cap"
          name="max_open"
          type="number"
          inputmode="numeric"
          min={1}
          max={MAX_OPEN_LIMIT}
          required
          value={String(settings.maxOpenPerAgent)}
        />
        <button type="submit">{t("settings.save")}</button>
      </ActionForm>
    </section>
  );
}
