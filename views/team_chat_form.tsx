/** Starts a team chat: a name and the people in it. */
import type { T } from "../i18n/translate.ts";
import { MAX_CHAT_NAME } from "../services/chats.ts";
import type { Presence } from "../services/presence.ts";

export function TeamChatForm(
  { t, csrfToken, people, error, open }: {
    t: T;
    csrfToken: string;
    people: Presence[];
    error?: string;
    open?: boolean;
  },
) {
  return (
    <details class="new-team" id="new-team" open={open ? true : undefined}>
      <summary>{t("chats.new_team")}</summary>
      <form
        class="stack"
        method="post"
        action="/chats"
        hx-post="/chats"
        hx-target="#thread-pane"
        {
          // a refusal re-renders this form, open, with its message
          ...{ "hx-status:422": "target:#new-team swap:outerHTML" }
        }
        hx-disable="find button"
      >
        <input type="hidden" name="_csrf" value={csrfToken} />
        <label for="team-name">{t("chats.team_name")}</label>
        <input
          id="team-name"
          name="name"
          required
          maxlength={MAX_CHAT_NAME}
          autocomplete="off"
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "team-error" : undefined}
        />
        {people.length > 0 && (
          <fieldset class="member-picks">
            <legend>{t("chats.members")}</legend>
            {people.map((p) => (
              <label class="check" for={`team-member-${p.id}`}>
                <input
                  type="checkbox"
                  id={`team-member-${p.id}`}
                  name="member"
                  value={String(p.id)}
                />
                {p.name}
              </label>
            ))}
          </fieldset>
        )}
        {error && <p class="error" id="team-error" role="alert">{error}</p>}
        <button type="submit">{t("chats.create_team")}</button>
      </form>
    </details>
  );
}
