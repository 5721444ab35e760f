/**
 * Canned responses as buttons, for the composer's `/phrase` suggestions and
 * its picker. Picking one fetches its text filled in for this conversation
 * (app.js puts it where the `/phrase` was, or at the cursor).
 */
import type { T } from "../i18n/translate.ts";
import type { CannedResponse } from "../services/canned_responses.ts";

export interface CannedOptionsProps {
  t: T;
  conversationId: number;
  responses: CannedResponse[];
  /** what was typed after `/`, for the empty state */
  q?: string;
  /** suggestions say nothing when nothing matches; the picker explains */
  quietWhenEmpty?: boolean;
}

export function CannedOptions(
  { t, conversationId: id, responses, q, quietWhenEmpty }: CannedOptionsProps,
) {
  if (responses.length === 0) {
    if (quietWhenEmpty) return null;
    return (
      <li class="hint">
        {q ? t("canned.no_match", { q }) : t("canned.none_short")}{" "}
        <a href={`/conversations/${id}/canned`}>{t("canned.manage")}</a>
      </li>
    );
  }
  return (
    <>
      {responses.map((r) => (
        <li>
          <button
            type="button"
            class="canned-option"
            hx-get={`/conversations/${id}/canned/${r.id}/fill`}
            hx-target={`#canned-fill-${id}`}
            hx-swap="innerHTML"
            data-canned-fill=""
          >
            <code>/{r.keyPhrase}</code>
            <span>{r.body}</span>
          </button>
        </li>
      ))}
    </>
  );
}
