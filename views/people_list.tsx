/**
 * Everyone in the organisation with their presence; a person's button opens
 * (or starts) the direct chat with them. Plain forms without JavaScript.
 */
import type { T } from "../i18n/translate.ts";
import type { Presence } from "../services/presence.ts";
import { PresenceBadge } from "./presence_badge.tsx";

export function PeopleList(
  { t, people, csrfToken }: { t: T; people: Presence[]; csrfToken: string },
) {
  if (people.length === 0) return <p class="empty">{t("chats.no_people")}</p>;
  return (
    <ul class="people" aria-label={t("chats.people")}>
      {people.map((p) => (
        <li>
          <form
            method="post"
            action="/chats/direct"
            hx-post="/chats/direct"
            hx-target="#thread-pane"
            hx-disable="find button"
          >
            <input type="hidden" name="_csrf" value={csrfToken} />
            <input type="hidden" name="user_id" value={String(p.id)} />
            <button type="submit" class="quiet person">
              <span class="who">{p.name}</span>
              <PresenceBadge t={t} person={p} />
              <span class="visually-hidden">
                {t("chats.message_person", { name: p.name })}
              </span>
            </button>
          </form>
        </li>
      ))}
    </ul>
  );
}
