/**
 * The chats screen (F7, F8): the user's chats and the people to start one
 * with beside the open chat — two screens on a phone, side by side on a
 * wide one — and the live stream that keeps them current.
 */
import { LiveStatus, LiveStream, LogoutForm } from "./live_controls.tsx";
import type { T } from "../i18n/translate.ts";
import type { ChatSummary, ChatThread } from "../services/chats.ts";
import type { UnreadTotals } from "../services/notifications.ts";
import type { Presence } from "../services/presence.ts";
import type { User } from "../services/users.ts";
import { ChatList } from "./chat_list.tsx";
import { ChatView } from "./chat_view.tsx";
import { type AssetUrls, Layout } from "./layout.tsx";
import { PeopleList } from "./people_list.tsx";
import { TeamBar } from "./team_bar.tsx";
import { TeamChatForm } from "./team_chat_form.tsx";

export interface ChatsPageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  me: Presence;
  totals: UnreadTotals;
  chats: ChatSummary[];
  people: Presence[];
  thread?: ChatThread;
  /** the SSE stream starts after this event id */
  lastEventId: number;
  /** a refused team chat form, shown open with its message */
  teamError?: string;
}

export function ChatsPage(props: ChatsPageProps) {
  const { t, csrfToken, user, thread } = props;
  const title = thread?.chat.title || t("chats.title");
  return (
    <Layout
      t={t}
      title={`${title} · ${t("app.name")}`}
      assets={props.assets}
      csrfToken={csrfToken}
    >
      <a class="skip" href="#chat-nav">{t("chats.skip")}</a>
      <header class="top">
        <a class="brand" href="/">{t("app.name")}</a>
        <nav class="top-nav" aria-label={t("nav.main")}>
          <a href="/">{t("nav.inbox")}</a>
        </nav>
        <TeamBar
          t={t}
          csrfToken={csrfToken}
          me={props.me}
          totals={props.totals}
          back="/chats"
          current="chats"
        />
        <LiveStatus t={t} />
        <LogoutForm t={t} csrfToken={csrfToken} email={user.email} />
      </header>
      <LiveStream lastEventId={props.lastEventId} />
      <main class={`split${thread ? " has-thread" : ""}`}>
        <nav
          class="list-pane chat-nav"
          id="chat-nav"
          aria-label={t("chats.title")}
        >
          <h1 class="pane-title">{t("chats.title")}</h1>
          <ChatList t={t} chats={props.chats} activeId={thread?.chat.id} />
          <TeamChatForm
            t={t}
            csrfToken={csrfToken}
            people={props.people}
            error={props.teamError}
            open={!!props.teamError}
          />
          <h2 class="pane-title">{t("chats.people")}</h2>
          <PeopleList t={t} people={props.people} csrfToken={csrfToken} />
        </nav>
        <div class="thread-pane" id="thread-pane">
          {thread
            ? (
              <ChatView
                t={t}
                thread={thread}
                user={user}
                csrfToken={csrfToken}
                people={props.people}
              />
            )
            : <p class="empty">{t("chats.pick")}</p>}
        </div>
      </main>
    </Layout>
  );
}
