/**
 * The reply form. A plain HTML form (works without JavaScript) that htmx
 * posts in place; each render carries a fresh idempotency key so a retried
 * submission is stored once. When nobody may reply (opt-out, registration,
 * the WhatsApp window) it says why instead of failing after the fact.
 */
import type { T } from "../i18n/translate.ts";
import type { StagedFile } from "../services/attachments.ts";
import type { MediaRules } from "../services/media_limits.ts";
import type { ReplyBlock } from "../services/messages.ts";
import { CannedPicker } from "./canned_picker.tsx";
import { ComposerToolbar } from "./composer_toolbar.tsx";
import { AttachmentList, uploadAttributes } from "./composer_uploads.tsx";

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
      {...uploadAttributes(t, `${base}/uploads`, media)}
      data-typing={`${base}/typing`}
      data-offline={t("composer.offline")}
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
      <AttachmentList
        t={t}
        id={`att-list-${conversationId}`}
        attachments={attachments}
      />
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
