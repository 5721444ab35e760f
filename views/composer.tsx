/**
 * The reply form. A plain HTML form (works without JavaScript) that htmx
 * posts in place; each render carries a fresh idempotency key so a retried
 * submission is stored once. When nobody may reply (opt-out, registration,
 * the WhatsApp window) it says why instead of failing after the fact.
 */
import type { T } from "../i18n/translate.ts";
import type { ReplyBlock } from "../services/messages.ts";
import { CannedPicker } from "./canned_picker.tsx";

export interface ComposerProps {
  t: T;
  conversationId: number;
  csrfToken: string;
  channel?: "sms" | "whatsapp";
  block?: ReplyBlock | null;
  body?: string;
  error?: string;
}

export function Composer(
  { t, conversationId, csrfToken, channel, block, body, error }: ComposerProps,
) {
  const action = `/conversations/${conversationId}/messages`;
  const errorId = `composer-error-${conversationId}`;
  return (
    <form
      id={`composer-${conversationId}`}
      class="composer"
      method="post"
      action={action}
      hx-post={action}
      hx-target="this"
      hx-swap="outerHTML"
      hx-disable="find button"
      data-channel={channel}
    >
      <input type="hidden" name="_csrf" value={csrfToken} />
      <input type="hidden" name="client_key" value={crypto.randomUUID()} />
      {block && (
        <p class="notice" id={`composer-block-${conversationId}`} role="status">
          {t(block)}
        </p>
      )}
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
      <button type="submit" disabled={block ? true : undefined}>
        {t("composer.send")}
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
