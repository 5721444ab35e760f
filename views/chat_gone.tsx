/** What an open chat turns into when the user is no longer in it. */
import type { T } from "../i18n/translate.ts";

export function ChatGone({ t, chatId }: { t: T; chatId: number }) {
  return (
    <section id={`chat-${chatId}`} class="thread chat gone">
      <header class="thread-head gone">
        <p role="alert">{t("chats.gone")}</p>
        <a class="button quiet" href="/chats">{t("chats.back")}</a>
      </header>
    </section>
  );
}
