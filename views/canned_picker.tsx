/**
 * The composer's canned-response tools: the `/phrase` suggestions under the
 * reply box, the picker (loaded when first opened), and the holder the
 * filled text arrives in. Without JavaScript the picker links to a page.
 */
import type { T } from "../i18n/translate.ts";

export function CannedPicker(
  { t, conversationId: id }: { t: T; conversationId: number },
) {
  return (
    <>
      <ul
        id={`canned-suggest-${id}`}
        class="canned-suggest"
        aria-label={t("canned.suggestions")}
        aria-live="polite"
      >
      </ul>
      <details
        class="canned-picker"
        hx-get={`/conversations/${id}/canned/options`}
        hx-trigger="toggle once"
        hx-target="find ul"
        hx-swap="innerHTML"
      >
        <summary>{t("canned.title")}</summary>
        <ul class="canned-options">
          <li>
            <a href={`/conversations/${id}/canned`}>{t("canned.browse")}</a>
          </li>
        </ul>
      </details>
      <span id={`canned-fill-${id}`} class="canned-fill" hidden></span>
    </>
  );
}
