/**
 * Sets the user's own status and message. A plain form (the server
 * redirects back); with htmx a choice saves at once and the answer updates
 * every copy of the user's presence badge on the page.
 */
import type { T } from "../i18n/translate.ts";
import {
  MAX_STATUS_MESSAGE,
  type Presence,
  STATUSES,
} from "../services/presence.ts";

export function StatusForm(
  { t, csrfToken, me, idPrefix, back, hideLegend }: {
    t: T;
    csrfToken: string;
    me: Presence;
    /** ids stay unique when the form appears twice on a page */
    idPrefix: string;
    /** where a plain form returns to */
    back: string;
    /** the page's own heading already says what this is */
    hideLegend?: boolean;
  },
) {
  return (
    <form
      class="status-form"
      method="post"
      action="/me/status"
      hx-post="/me/status"
      hx-trigger="change, submit"
      hx-sync="this:replace"
      hx-swap="none"
    >
      <input type="hidden" name="_csrf" value={csrfToken} />
      <input type="hidden" name="back" value={back} />
      <fieldset class="status-choices">
        <legend class={hideLegend ? "visually-hidden" : undefined}>
          {t("presence.my_status")}
        </legend>
        {STATUSES.map((s) => (
          <label class={`status-choice ${s}`} for={`${idPrefix}-${s}`}>
            <input
              type="radio"
              id={`${idPrefix}-${s}`}
              name="status"
              value={s}
              checked={me.status === s}
            />
            <span class="dot" aria-hidden="true"></span>
            {t(`presence.${s}`)}
          </label>
        ))}
      </fieldset>
      <label for={`${idPrefix}-message`}>{t("presence.message")}</label>
      <div class="row">
        <input
          id={`${idPrefix}-message`}
          name="message"
          value={me.statusMessage}
          maxlength={MAX_STATUS_MESSAGE}
          autocomplete="off"
          placeholder={t("presence.message_placeholder")}
        />
        <button type="submit">{t("presence.save")}</button>
      </div>
      <p class="action-msg" role="status" id={`${idPrefix}-msg`}></p>
    </form>
  );
}
