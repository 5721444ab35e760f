/**
 * The reply form. A plain HTML form (works without JavaScript) that htmx
 * posts in place; each render carries a fresh idempotency key so a retried
 * submission is stored once. When nobody may reply (opt-out, registration,
 * the WhatsApp window) it says why instead of failing after the fact.
 */
import type { T } from "../i18n/translate.ts";
import type { StagedFile } from "../services/attachments.ts";
import { browserRules, type MediaRules } from "../services/media_limits.ts";
import type { ReplyBlock } from "../services/messages.ts";
import { AttachmentChip } from "./attachment_chip.tsx";
import { CannedPicker } from "./canned_picker.tsx";
import { ComposerToolbar } from "./composer_toolbar.tsx";

export interface ComposerProps {
  t: T;
  conversationId: number;
  csrfToken: string;
  channel?: "sms" | "whatsapp";
  block?: ReplyBlock | null;
  body?: string;
  error?: string;
  /** the channel's attachment rules; attaching is offered when present */
  media?: MediaRules;
  /** the newest message the user has seen (collision check on send) */
  lastSeenId?: number;
  /** teammates who replied since: the send asks to be confirmed */
  collision?: string[];
  /** files already uploaded for this reply, kept across a re-render */
  attachments?: { file: StagedFile; token: string }[];
}

/** The sentences static/app.js shows while attaching and recording. */
function scriptMessages(t: T) {
  const keys = [
    "upload.type",
    "upload.too_large",
    "upload.too_many",
    "upload.total_too_large",
    "upload.failed",
    "upload.progress",
    "upload.remove",
    "upload.wait",
    "voice.recording",
    "voice.mic_denied",
    "voice.unsupported",
    "message.voice_note",
  ] as const;
  return Object.fromEntries(keys.map((k) => [k, t(k)]));
}

export function Composer(
  {
    t,
    conversationId,
    csrfToken,
    channel,
    block,
    body,
    error,
    media,
    lastSeenId,
    collision,
    attachments,
  }: ComposerProps,
) {
  const action = `/conversations/${conversationId}/messages`;
  const errorId = `composer-error-${conversationId}`;
  const base = `/conversations/${conversationId}`;
  return (
    <form
      id={`composer-${conversationId}`}
      class="composer"
      method="post"
      action={action}
      hx-post={action}
      hx-target="this"
      hx-swap="outerHTML"
      hx-disable="find button[type=submit]"
      data-channel={channel}
      enctype={media ? "multipart/form-data" : undefined}
      data-upload={media ? `${base}/uploads` : undefined}
      data-limits={media ? JSON.stringify(browserRules(media)) : undefined}
      data-typing={`${base}/typing`}
      data-offline={t("composer.offline")}
      data-messages={media ? JSON.stringify(scriptMessages(t)) : undefined}
    >
      <input type="hidden" name="_csrf" value={csrfToken} />
      <input type="hidden" name="client_key" value={crypto.randomUUID()} />
      {lastSeenId !== undefined && (
        <input type="hidden" name="last_seen" value={String(lastSeenId)} />
      )}
      {block && (
        <p class="notice" id={`composer-block-${conversationId}`} role="status">
          {t(block)}
        </p>
      )}
      {collision && collision.length > 0 && (
        <p
          class="notice collision"
          id={`composer-collision-${conversationId}`}
          role="alert"
        >
          {t("composer.collision", { names: collision.join(", ") })}
        </p>
      )}
      <ComposerToolbar
        t={t}
        conversationId={conversationId}
        accept={media ? Object.keys(media.types).join(",") : undefined}
        voice={!!media?.voiceNotes}
        disabled={!!block}
      />
      <label class="visually-hidden" for={`body-${conversationId}`}>
        {t("composer.label")}
      </label>
      <textarea
        id={`body-${conversationId}`}
        name="body"
        rows={1}
        maxlength={1600}
        placeholder={t("composer.placeholder")}
        disabled={block ? true : undefined}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error
          ? errorId
          : block
          ? `composer-block-${conversationId}`
          : undefined}
        data-counter={channel === "sms"
          ? `counter-${conversationId}`
          : undefined}
        aria-autocomplete="list"
        aria-controls={`canned-suggest-${conversationId}`}
        data-canned={`/conversations/${conversationId}/canned`}
      >
        {body ?? ""}
      </textarea>
      <ul
        class="att-list"
        id={`att-list-${conversationId}`}
        aria-label={t("upload.list")}
        aria-live="polite"
      >
        {attachments?.map((a) => (
          <AttachmentChip t={t} file={a.file} token={a.token} />
        ))}
      </ul>
      <button type="submit" disabled={block ? true : undefined}>
        {collision && collision.length > 0
          ? t("composer.send_anyway")
          : t("composer.send")}
      </button>
      {channel === "sms" && !block && (
        <p
          class="counter"
          id={`counter-${conversationId}`}
          aria-live="off"
          data-template={t("composer.segments")}
        >
        </p>
      )}
      {!block && <CannedPicker t={t} conversationId={conversationId} />}
      {error && (
        <p class="error" id={errorId} role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
