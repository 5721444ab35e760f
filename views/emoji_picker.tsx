/**
 * The emoji picker's panel, fetched the first time the composer's picker
 * opens: a search box and the built-in set as buttons. The script inserts
 * the emoji at the cursor and filters by name (English and Spanish) as you
 * type; `?q=` filters on the server as well.
 */
import type { MessageKey, T } from "../i18n/translate.ts";
import { type EmojiGroup, searchText } from "../services/emoji_catalog.ts";

export function EmojiPicker(
  { t, groups, q }: { t: T; groups: EmojiGroup[]; q: string },
) {
  return (
    <div class="emoji-grid">
      <input
        type="search"
        class="emoji-search"
        value={q}
        placeholder={t("emoji.search")}
        aria-label={t("emoji.search")}
        autocomplete="off"
      />
      {groups.map((g) => (
        <section class="emoji-group">
          <h4>{t(`emoji.group.${g.key}` as MessageKey)}</h4>
          <div
            role="group"
            aria-label={t(`emoji.group.${g.key}` as MessageKey)}
          >
            {g.emoji.map((e) => (
              <button
                type="button"
                data-emoji
                data-name={searchText(e)}
                title={t.locale === "es" ? e.es : e.en}
              >
                {e.char}
              </button>
            ))}
          </div>
        </section>
      ))}
      <p class="emoji-none" hidden={groups.length > 0 ? true : undefined}>
        {t("emoji.none")}
      </p>
    </div>
  );
}
