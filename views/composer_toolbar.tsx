/**
 * The composer's tools: formatting (F23), the emoji picker (F21, fetched
 * the first time it opens), attaching files (F22) and, on WhatsApp only,
 * recording a voice note (F30). Formatting and recording need the script
 * (static/app.js); attaching works without it (the form posts the files).
 */
import type { T } from "../i18n/translate.ts";

export interface ComposerToolbarProps {
  t: T;
  conversationId: number;
  /** content types the file picker offers; absent: no attaching */
  accept?: string;
  /** the record button (WhatsApp conversations) */
  voice: boolean;
  disabled: boolean;
  /** the textarea it edits, when not a conversation's (a chat's) */
  controls?: string;
}

const FORMATS = [
  { name: "bold", key: "composer.bold", keys: "Ctrl+B", label: "B" },
  { name: "italic", key: "composer.italic", keys: "Ctrl+I", label: "I" },
  { name: "strike", key: "composer.strike", keys: "Ctrl+Shift+X", label: "S" },
  { name: "mono", key: "composer.mono", keys: "Ctrl+E", label: "</>" },
  {
    name: "bullets",
    key: "composer.bullets",
    keys: "Ctrl+Shift+8",
    label: "•",
  },
  {
    name: "numbers",
    key: "composer.numbers",
    keys: "Ctrl+Shift+7",
    label: "1.",
  },
] as const;

export function ComposerToolbar(
  { t, conversationId, accept, voice, disabled, controls }:
    ComposerToolbarProps,
) {
  const off = disabled ? true : undefined;
  return (
    <div
      class="toolbar"
      role="toolbar"
      aria-label={t("composer.tools")}
      aria-controls={controls ?? `body-${conversationId}`}
    >
      <span class="formats js-only">
        {FORMATS.map((f) => (
          <button
            type="button"
            class={`quiet fmt fmt-${f.name}`}
            data-format={f.name}
            title={`${t(f.key)} (${f.keys})`}
            aria-keyshortcuts={f.keys.replace("Ctrl", "Control")}
            disabled={off}
          >
            {/* a name in words, not the glyph (axe: label-content-name-mismatch) */}
            <span aria-hidden="true">{f.label}</span>
            <span class="visually-hidden">{t(f.key)}</span>
          </button>
        ))}
      </span>
      <details class="emoji-picker js-only">
        <summary title={t("emoji.open")} aria-label={t("emoji.open")}>
          <span aria-hidden="true">😊</span>
        </summary>
        <div
          class="emoji-panel"
          hx-get="/emoji"
          hx-trigger="intersect once"
          hx-swap="innerHTML"
        >
          {t("emoji.loading")}
        </div>
      </details>
      {accept && (
        <label class="button quiet attach" title={t("upload.attach")}>
          <span aria-hidden="true">📎</span>
          <span class="visually-hidden">{t("upload.attach")}</span>
          <input
            type="file"
            name="files"
            multiple
            accept={accept}
            class="visually-hidden"
            disabled={off}
          />
        </label>
      )}
      {voice && (
        <button
          type="button"
          class="quiet record js-only"
          data-record
          aria-pressed="false"
          title={t("voice.record")}
          aria-label={t("voice.record")}
          data-label-stop={t("voice.stop")}
          data-label-record={t("voice.record")}
          disabled={off}
        >
          <span aria-hidden="true">🎤</span>
        </button>
      )}
    </div>
  );
}
