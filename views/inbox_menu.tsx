/**
 * The inbox screen's menu: contacts, favourites, canned responses, the
 * inbox's settings (managers), and this user's "show tags" preference. The
 * checkbox hides tags at once (CSS :has) and htmx saves the choice.
 */
import type { T } from "../i18n/translate.ts";
import { isInboxManager } from "../services/inbox_settings.ts";
import type { User } from "../services/users.ts";

export interface InboxMenuProps {
  t: T;
  user: User;
  inboxId: number;
  csrfToken: string;
  showTags: boolean;
}

export function InboxMenu(
  { t, user, inboxId, csrfToken, showTags }: InboxMenuProps,
) {
  return (
    <details class="inbox-menu">
      <summary>{t("nav.menu")}</summary>
      <div class="menu-body">
        <a href="/contacts">{t("nav.contacts")}</a>
        <a href="/contacts?fav=1">{t("nav.favourites")}</a>
        <a href={`/inboxes/${inboxId}/canned`}>{t("canned.title")}</a>
        <a href={`/inboxes/${inboxId}/history`}>{t("history.link")}</a>
        <a href="/campaigns">{t("nav.campaigns")}</a>
        {/* static/app.js opens #shortcuts; there are none without it */}
        <button
          type="button"
          class="quiet js-only"
          data-shortcuts
          aria-keyshortcuts="Shift+?"
        >
          {t("shortcuts.title")} <kbd aria-hidden="true">?</kbd>
        </button>
        {isInboxManager(user) && (
          <a href={`/inboxes/${inboxId}/settings`}>{t("settings.link")}</a>
        )}
        {user.role === "admin" && (
          <a href="/admin/numbers">{t("numbers.title")}</a>
        )}
        <form
          method="post"
          action="/prefs/tags"
          hx-post="/prefs/tags"
          hx-trigger="change"
          hx-swap="none"
          class="show-tags"
        >
          <input type="hidden" name="_csrf" value={csrfToken} />
          <input type="hidden" name="back" value={`/inboxes/${inboxId}`} />
          <label for="show-tags">
            <input
              type="checkbox"
              id="show-tags"
              name="show_tags"
              value="1"
              checked={showTags}
            />
            {t("tags.show_in_list")}
          </label>
          <noscript>
            <button type="submit" class="quiet">{t("settings.save")}</button>
          </noscript>
        </form>
      </div>
    </details>
  );
}
