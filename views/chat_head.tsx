/**
 * The top of an open chat: its name, its members with their presence, and
 * what the viewer may do — add or remove members (the creator or an admin)
 * and leave (team chats). Rendered per user; a live change makes open
 * chats fetch it again (ChatHeadReload).
 */
import type { T } from "../i18n/translate.ts";
import type { ChatThread } from "../services/chats.ts";
import type { Presence } from "../services/presence.ts";
import type { User } from "../services/users.ts";
import { ActionForm } from "./action_form.tsx";
import { PresenceBadge } from "./presence_badge.tsx";

export interface ChatHeadProps {
  t: T;
  head: Omit<ChatThread, "messages">;
  user: User;
  csrfToken: string;
  /** everyone, for the "add members" picker */
  people: Presence[];
}

export function ChatHead({ t, head, user, csrfToken, people }: ChatHeadProps) {
  const c = head.chat;
  const base = `/chats/${c.id}`;
  const errorTarget = `#chat-action-${c.id}`;
  const memberIds = new Set(head.members.map((m) => m.id));
  const addable = people.filter((p) => !memberIds.has(p.id));
  return (
    <header id={`chat-head-${c.id}`} class="thread-head chat-head">
      <a class="back button quiet" href="/chats">
        <span aria-hidden="true">←</span>
        <span class="visually-hidden">{t("chats.back")}</span>
      </a>
      <div class="head-main">
        <h2 id={`chat-title-${c.id}`}>
          {c.kind === "team" && <span class="hash" aria-hidden="true">#</span>}
          {c.title || t("chats.nobody")}
        </h2>
        <div class="meta">
          {c.other
            ? <PresenceBadge t={t} person={c.other} />
            : t("chats.member_count", { count: head.members.length })}
        </div>
      </div>
      {c.kind === "team" && (
        <details class="chat-members">
          <summary class="button quiet">{t("chats.members")}</summary>
          <div class="menu">
            <ul class="plain-list">
              {head.members.map((m) => (
                <li>
                  <span>
                    {m.name}
                    {m.isCreator && <small>{t("chats.creator")}</small>}
                  </span>
                  <PresenceBadge t={t} person={m} compact />
                  {head.canManage && m.id !== user.id && (
                    <ActionForm
                      action={`${base}/members/${m.id}/remove`}
                      csrfToken={csrfToken}
                      errorTarget={errorTarget}
                      confirm={t("chats.remove_confirm", { name: m.name })}
                    >
                      <button type="submit" class="quiet danger">
                        {t("chats.remove")}
                        <span class="visually-hidden">{m.name}</span>
                      </button>
                    </ActionForm>
                  )}
                </li>
              ))}
            </ul>
            {head.canManage && addable.length > 0 && (
              <ActionForm
                action={`${base}/members`}
                csrfToken={csrfToken}
                errorTarget={errorTarget}
                class="action row"
              >
                <label for={`chat-add-${c.id}`}>{t("chats.add_member")}</label>
                <select id={`chat-add-${c.id}`} name="member">
                  {addable.map((p) => (
                    <option value={String(p.id)}>{p.name}</option>
                  ))}
                </select>
                <button type="submit">{t("chats.add")}</button>
              </ActionForm>
            )}
            <ActionForm
              action={`${base}/leave`}
              csrfToken={csrfToken}
              errorTarget={errorTarget}
              confirm={t("chats.leave_confirm")}
            >
              <button type="submit" class="quiet danger">
                {t("chats.leave")}
              </button>
            </ActionForm>
          </div>
        </details>
      )}
      <p id={`chat-action-${c.id}`} class="action-msg" role="alert"></p>
    </header>
  );
}
