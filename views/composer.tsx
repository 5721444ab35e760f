/**
 * The reply form. A plain HTML form (works without JavaScript) that htmx
 * posts in place; each render carries a fresh idempotency key so a retried
 * submission is stored once.
 */
import type { T } from "../i18n/translate.ts";

export interface ComposerProps {
  t: T;
  conversationId: number;
  csrfToken: string;
  body?: string;
  error?: string;
}

export function Composer(
  { t, conversationId, csrfToken, body, error }: ComposerProps,
) {
  const action = `/conversations/${conversationId}/messages`;
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
    >
      <input type="hidden" name="_csrf" value={csrfToken} />
      <input type="hidden" name="client_key" value={crypto.randomUUID()} />
      <label class="visually-hidden" for={`body-${conversationId}`}>
        {t("composer.label")}
      </label>
      <textarea
        id={`body-${conversationId}`}
        name="body"
        rows={1}
        maxlength={1600}
        placeholder={t("composer.placeholder")}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error
          ? `composer-error-${conversationId}`
          : undefined}
      >
        {body ?? ""}
      </textarea>
      <button type="submit">
        {t("composer.send")}
      </button>
      {error && (
        <p class="error" id={`composer-error-${conversationId}`} role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
