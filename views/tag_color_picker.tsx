/** The palette of tag colours as radio buttons (CSS classes, no inline styles). */
import type { MessageKey, T } from "../i18n/translate.ts";
import { TAG_COLORS } from "../services/tags.ts";

export function TagColorPicker({ t, idPrefix }: { t: T; idPrefix: string }) {
  return (
    <fieldset class="swatches">
      <legend>{t("tags.color")}</legend>
      {TAG_COLORS.map((c, i) => (
        <label class={`swatch tag-${c}`} for={`${idPrefix}-${c}`}>
          <input
            type="radio"
            id={`${idPrefix}-${c}`}
            name="color"
            value={c}
            checked={i === 0}
          />
          {t(`color.${c}` as MessageKey)}
        </label>
      ))}
    </fieldset>
  );
}
