/**
 * The chat's message form: the conversation composer without the carrier
 * parts (no segments, no opt-out or window rules, no files or voice notes:
 * chat messages are text, with formatting and emoji). A plain form that htmx
 * posts in place; a fresh idempotency key per render stores a retried
 * submission once. Enter sends, Shift+Enter is a new line (static/app.js).
 */
import type { T } from "../i18n/translate.ts";
import { MAX_BODY } from "../services/messages.ts";
import { ComposerToolbar } from "./composer_toolbar.tsx";

export function ChatComposer(
  { t, chatId, csrfToken, body, error }: {
    t: T;
    chatId: number;
    csrfToken: string;
    body?: string;
    error?: string;
  },
) {
  const action = `/chats/${chatId}/messages`;
  const errorId = `chat-error-${chatId}`;
  return (
    <form
      id={`chat-composer-${chatId}`}
      class="composer chat-composer"
      method="post"
      action={action}
      hx-post={action}
      hx-target="this"
      hx-swap="outerHTML"
      hx-disable="find button"
    >
      <input type="hidden" name="_csrf" value={csrfToken} />
      <input type="hidden" name="client_key" value={crypto.randomUUID()} />
      {/* formatting and emoji as in a conversation; no files, no voice */}
      <ComposerToolbar
        t={t}
        conversationId={chatId}
        controls={`chat-body-${chatId}`}
        voice={false}
        disabled={false}
      />
      <label class="visually-hidden" for={`chat-body-${chatId}`}>
        {t("chats.message_label")}
      </label>
      <textarea
        id={`chat-body-${chatId}`}
        name="body"
        rows={1}
        maxlength={MAX_BODY}
        placeholder={t("chats.placeholder")}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? errorId : undefined}
        autofocus
      >
        {body ?? ""}
      </textarea>
      <button type="submit">{t("composer.send")}</button>
      {error && <p class="error" id={errorId} role="alert">{error}</p>}
    </form>
  );
}
