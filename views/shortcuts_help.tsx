/**
 * The inbox's keyboard shortcuts, listed in a dialog that "?" opens
 * (static/app.js). Without JavaScript the shortcuts do not exist, and the
 * dialog stays closed.
 */
import type { T } from "../i18n/translate.ts";

export const SHORTCUTS = [
  ["j", "shortcuts.next"],
  ["k", "shortcuts.previous"],
  ["r", "shortcuts.reply"],
  ["e", "shortcuts.close"],
  ["?", "shortcuts.help"],
] as const;

export function ShortcutsHelp({ t }: { t: T }) {
  return (
    <dialog id="shortcuts" class="shortcuts" aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title">{t("shortcuts.title")}</h2>
      <dl>
        {SHORTCUTS.map(([key, label]) => (
          <div>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{t(label)}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit">{t("shortcuts.dismiss")}</button>
      </form>
    </dialog>
  );
}
