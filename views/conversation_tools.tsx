/**
 * Actions beside the composer: call the contact (F27), send a meeting link
 * (F27), send a satisfaction survey (F25). Plain forms that work without
 * JavaScript; with it, htmx posts them and shows the outcome in place.
 */
import type { T } from "../i18n/translate.ts";

export interface ConversationToolsProps {
  t: T;
  conversationId: number;
  csrfToken: string;
  /** MEETING_URL_TEMPLATE is set */
  meeting: boolean;
  /** sending is blocked (opt-out, registration, WhatsApp window) */
  blocked: boolean;
}

export function conversationToolsStatusId(conversationId: number) {
  return `tools-status-${conversationId}`;
}

export function ConversationTools(
  { t, conversationId: id, csrfToken, meeting, blocked }:
    ConversationToolsProps,
) {
  const status = `#${conversationToolsStatusId(id)}`;
  const form = (
    path: string,
    icon: string,
    label: string,
    disabled = false,
  ) => (
    <form
      method="post"
      action={`/conversations/${id}/${path}`}
      hx-post={`/conversations/${id}/${path}`}
      hx-target={status}
      hx-swap="innerHTML"
      hx-disable="find button"
    >
      <input type="hidden" name="_csrf" value={csrfToken} />
      <button
        type="submit"
        class="quiet"
        disabled={disabled ? true : undefined}
      >
        <span aria-hidden="true">{icon}</span> {label}
      </button>
    </form>
  );
  return (
    <div class="conv-tools" aria-label={t("tools.label")} role="group">
      {form("call", "📞", t("tools.call"))}
      {meeting && form("meeting", "🎥", t("tools.meeting"), blocked)}
      {form("survey", "⭐", t("tools.survey"), blocked)}
      <p
        id={conversationToolsStatusId(id)}
        class="tools-status"
        role="status"
      >
      </p>
    </div>
  );
}
