/**
 * The top of a thread: who it is with, where it came in, its state and tags,
 * and the everyday actions. Rendered per user (what they may do); a live
 * change makes open threads fetch it again (ThreadReload).
 */
import type { T } from "../i18n/translate.ts";
import type { ConversationSummary } from "../services/conversations.ts";
import type { ThreadDetails } from "../services/thread_details.ts";
import type { User } from "../services/users.ts";
import { ActionForm } from "./action_form.tsx";
import { contactLabel } from "./conversation_row.tsx";
import { TagChip } from "./tag_chip.tsx";

export interface ThreadHeadProps {
  t: T;
  conv: ConversationSummary;
  details: ThreadDetails;
  user: User;
  csrfToken: string;
}

export function ThreadHead(
  { t, conv: c, details: d, user, csrfToken }: ThreadHeadProps,
) {
  const base = `/conversations/${c.id}`;
  const errorTarget = `#action-msg-${c.id}`;
  const panelLink = (tab: "details" | "contact", label: string) => (
    <a
      class="button quiet"
      href={`${base}?panel=${tab}`}
      hx-get={`${base}/panel/${tab}`}
      hx-target={`#side-panel-${c.id}`}
      hx-swap="innerHTML scroll:top"
      aria-controls={`side-panel-${c.id}`}
    >
      {label}
    </a>
  );
  return (
    <header id={`thread-head-${c.id}`} class="thread-head">
      <a
        class="back button quiet"
        href={`/inboxes/${c.inboxId}?status=${c.spam ? "spam" : c.status}`}
      >
        <span aria-hidden="true">←</span>
        <span class="visually-hidden">{t("thread.back")}</span>
      </a>
      <div class="head-main">
        <h2 id={`thread-title-${c.id}`}>
          {contactLabel(c)}
          {!c.contactName && ` (${t("contact.unknown")})`}
        </h2>
        <div class="meta">
          <span class={`chan ${c.channel}`}>
            {t(c.channel === "whatsapp" ? "channel.whatsapp" : "channel.sms")}
          </span>
          {t("thread.via", { number: c.numberE164 })}
          {c.assigneeName &&
            ` · ${t("thread.assigned_to", { name: c.assigneeName })}`}
          {d.spam
            ? <span class="badge spam">{t("thread.spam")}</span>
            : d.status === "closed" && (
              <span class="badge closed">{t("thread.closed")}</span>
            )}
          {d.optedOut && (
            <span class="badge opted-out">{t("contact.opted_out")}</span>
          )}
          {d.tags.length > 0 && (
            <span class="tags">
              {d.tags.map((tag) => <TagChip tag={tag} />)}
            </span>
          )}
        </div>
      </div>
      <div class="head-actions">
        {d.inbox.assignmentMode && d.assigneeId !== user.id && (
          <ActionForm
            action={`${base}/assign`}
            csrfToken={csrfToken}
            errorTarget={errorTarget}
          >
            <input type="hidden" name="assignee" value="me" />
            <button type="submit" class="quiet">{t("action.assign_me")}</button>
          </ActionForm>
        )}
        {d.status === "open"
          ? (
            <ActionForm
              action={`${base}/close`}
              csrfToken={csrfToken}
              errorTarget={errorTarget}
            >
              <button type="submit">{t("action.close")}</button>
            </ActionForm>
          )
          : (
            <ActionForm
              action={`${base}/reopen`}
              csrfToken={csrfToken}
              errorTarget={errorTarget}
            >
              <button type="submit">
                {t(d.spam ? "action.not_spam" : "action.reopen")}
              </button>
            </ActionForm>
          )}
        {!d.spam && (
          <ActionForm
            action={`${base}/spam`}
            csrfToken={csrfToken}
            errorTarget={errorTarget}
            confirm={t("action.spam_confirm")}
          >
            <button type="submit" class="quiet danger">
              {t("action.spam")}
            </button>
          </ActionForm>
        )}
        {/* F17: for this user only; the thread closes (reading on would undo it) */}
        <form
          class="action"
          method="post"
          action={`${base}/unread`}
          hx-post={`${base}/unread`}
          hx-target="#thread-pane"
          hx-swap="innerHTML"
          hx-disable="find button"
        >
          <input type="hidden" name="_csrf" value={csrfToken} />
          <button type="submit" class="quiet">{t("read.mark_unread")}</button>
        </form>
        {panelLink("details", t("panel.details"))}
        {panelLink("contact", t("panel.contact"))}
      </div>
      <p id={`action-msg-${c.id}`} class="action-msg" role="alert"></p>
    </header>
  );
}
