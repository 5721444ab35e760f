/** The inbox screen: header, list of conversations and the thread pane. */
import { LiveStatus, LiveStream, LogoutForm } from "./live_controls.tsx";
import type { Child } from "hono/jsx";
import type { T } from "../i18n/translate.ts";
import type { InboxSummary } from "../services/conversations.ts";
import type { FullThread } from "../services/thread_details.ts";
import type { User } from "../services/users.ts";
import { ListPane, type ListPaneProps } from "./conversation_list.tsx";
import { InboxMenu } from "./inbox_menu.tsx";
import { InboxSwitcher } from "./inbox_switcher.tsx";
import { type AssetUrls, Layout } from "./layout.tsx";
import { ThreadView } from "./thread.tsx";
import type { TeamOverview } from "../services/team_overview.ts";
import { ShortcutsHelp } from "./shortcuts_help.tsx";
import { TeamBar } from "./team_bar.tsx";

export interface InboxPageProps {
  t: T;
  assets: AssetUrls;
  user: User;
  csrfToken: string;
  inboxes: InboxSummary[];
  inboxId: number;
  /** the list pane: filters, pinned conversations, a page of rows */
  list: Omit<ListPaneProps, "t" | "inboxId" | "userId">;
  thread?: FullThread;
  /** the thread's side panel content (?panel=, without JavaScript) */
  threadPanel?: Child;
  /** text to start the thread's composer with (a canned response) */
  composerBody?: string;
  /** this user's "show tags in the list" preference */
  showTags?: boolean;
  /** the team side of the header: chats, presence, personal numbers */
  team?: TeamOverview;
  /** something else in the thread pane (the new-conversation form) */
  pane?: Child;
  /** the SSE stream starts after this event id: nothing between is lost */
  lastEventId: number;
}

export function InboxPage(props: InboxPageProps) {
  const { t, assets, user, csrfToken, inboxes, inboxId, thread, pane } = props;
  const inbox = inboxes.find((i) => i.id === inboxId);
  return (
    <Layout
      t={t}
      title={`${inbox?.name ?? t("nav.inbox")} · ${t("app.name")}`}
      assets={assets}
      csrfToken={csrfToken}
    >
      <a class="skip" href="#conv-list">{t("nav.skip")}</a>
      <header class="top">
        <span class="brand">{t("app.name")}</span>
        <InboxSwitcher
          t={t}
          inboxes={inboxes}
          inboxId={inboxId}
          numbers={props.team?.numbers}
          numberId={props.list.filters.numberId}
        />
        <InboxMenu
          t={t}
          user={user}
          inboxId={inboxId}
          csrfToken={csrfToken}
          showTags={props.showTags ?? true}
        />
        {props.team && (
          <TeamBar
            t={t}
            csrfToken={csrfToken}
            me={user}
            totals={props.team.totals}
            back={`/inboxes/${inboxId}`}
            team={inbox?.kind === "shared"
              ? {
                inboxId,
                inboxName: inbox.name,
                members: props.team.members,
              }
              : undefined}
          />
        )}
        <LiveStatus t={t} />
        <LogoutForm t={t} csrfToken={csrfToken} email={user.email} />
      </header>
      <LiveStream lastEventId={props.lastEventId} />
      <div id="list-signal" hidden></div>
      <main class={`split${thread || pane ? " has-thread" : ""}`}>
        <ListPane
          t={t}
          inboxId={inboxId}
          userId={user.id}
          {...props.list}
          activeId={thread?.conversation.id}
        />
        <div class="thread-pane" id="thread-pane">
          {thread
            ? (
              <ThreadView
                t={t}
                thread={thread}
                csrfToken={csrfToken}
                user={user}
                panel={props.threadPanel}
                composerBody={props.composerBody}
              />
            )
            : pane ?? <p class="empty">{t("thread.pick")}</p>}
        </div>
      </main>
      <ShortcutsHelp t={t} />
    </Layout>
  );
}
