/**
 * The chat's message form: the conversation composer without the carrier
 * parts (no segments, no opt-out or window rules): text with formatting and
 * emoji, files and voice notes (checked against the chat rules, not a
 * carrier's). A plain form that htmx posts in place; without the script it
 * posts its files along. A fresh idempotency key per render stores a
 * retried submission once. Enter sends, Shift+Enter is a new line
 * (static/app.js).
 */
import type { T } from "../i18n/translate.ts";
import type { StagedFile } from "../services/attachments.ts";
import { chatMediaRules } from "../services/media_limits.ts";
import { MAX_BODY } from "../services/messages.ts";
import { ComposerToolbar } from "./composer_toolbar.tsx";
import { AttachmentList, uploadAttributes } from "./composer_uploads.tsx";

export function ChatComposer(
  { t, chatId, csrfToken, body, error, attachments }: {
    t: T;
    chatId: number;
    csrfToken: string;
    body?: string;
    error?: string;
    /** files already uploaded for this message, kept across a re-render */
    attachments?: { file: StagedFile; token: string }[];
  },
) {
  const action = `/chats/${chatId}/messages`;
  const errorId = `chat-error-${chatId}`;
  const rules = chatMediaRules();
  return (
    <form
      id={`chat-composer-${chatId}`}
      class="composer chat-composer"
      method="post"
      action={action}
      hx-post={action}
      hx-target="this"
      hx-swap="outerHTML"
      hx-disable="find button[type=submit]"
      {...uploadAttributes(t, `/chats/${chatId}/uploads`, rules)}
    >
      <input type="hidden" name="_csrf" value={csrfToken} />
      <input type="hidden" name="client_key" value={crypto.randomUUID()} />
      <ComposerToolbar
        t={t}
        conversationId={chatId}
        controls={`chat-body-${chatId}`}
        accept={Object.keys(rules.types).join(",")}
        voice={rules.voiceNotes}
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
      <AttachmentList
        t={t}
        id={`chat-att-list-${chatId}`}
        attachments={attachments}
      />
      <button type="submit">{t("composer.send")}</button>
      {error && <p class="error" id={errorId} role="alert">{error}</p>}
    </form>
  );
}
