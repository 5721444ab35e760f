/**
 * What an open thread shows when its conversation is no longer the user's
 * (moved to an inbox they are not in): it replaces the head or the panel.
 */
import type { T } from "../i18n/translate.ts";

export function ThreadGone({ t, id }: { t: T; id: string }) {
  return (
    <header id={id} class="thread-head gone">
      <p role="alert">{t("thread.gone")}</p>
      <a class="button quiet" href="/">{t("thread.gone_back")}</a>
    </header>
  );
}
