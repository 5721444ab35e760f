/** The inbox screen: header, list of conversations and the thread pane. */
import type { T } from "../i18n/translate.ts";
import type {
  ConversationStatus,
  ConversationSummary,
  InboxSummary,
  ListCursor,
  Thread,
} from "../services/conversations.ts";
import type { User } from "../services/users.ts";
import { ConversationList } from "./conversation_list.tsx";
import { type AssetUrls, Layout } from "./layout.tsx";
import { ThreadView } from "./thread.tsx";

export interface InboxPageProps {
  t: T;
  assets: AssetUrls;
  user: User;
  csrfToken: string;
  inboxes: InboxSummary[];
  inboxId: number;
  status: ConversationStatus;
  rows: ConversationSummary[];
  next: ListCursor | null;
  thread?: Thread;
  /** the SSE stream starts after this event id: nothing between is lost */
  lastEventId: number;
}

export function InboxSwitcher(
  { t, inboxes, inboxId }: { t: T; inboxes: InboxSummary[]; inboxId: number },
) {
  return (
    <form method="get" action="/inboxes" class="switcher" id="inbox-switcher">
      <label class="visually-hidden" for="inbox-select">
        {t("nav.switch_inbox")}
      </label>
      <select
        id="inbox-select"
        name="inbox"
        hx-get="/inboxes"
        hx-trigger="change"
        hx-target="body"
        hx-push-url="true"
      >
        {inboxes.map((i) => (
          <option value={String(i.id)} selected={i.id === inboxId}>
            {i.name}
            {i.unreadCount > 0 ? ` (${i.unreadCount})` : ""}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" class="quiet">{t("nav.switch_inbox")}</button>
      </noscript>
    </form>
  );
}

export function InboxPage(props: InboxPageProps) {
  const { t, assets, user, csrfToken, inboxes, inboxId, status, thread } =
    props;
  const inbox = inboxes.find((i) => i.id === inboxId);
  const tab = (s: ConversationStatus, key: "list.open" | "list.closed") => (
    <a
      href={`/inboxes/${inboxId}?status=${s}`}
      aria-current={s === status ? "page" : undefined}
    >
      {t(key)}
    </a>
  );
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
        <InboxSwitcher t={t} inboxes={inboxes} inboxId={inboxId} />
        <span
          id="live"
          class="live"
          data-state="connecting"
          data-label-online={t("live.online")}
          data-label-offline={t("live.reconnecting")}
          data-label-reconnecting={t("live.reconnecting")}
          role="status"
        >
          {t("live.connecting")}
        </span>
        <form method="post" action="/logout">
          <input type="hidden" name="_csrf" value={csrfToken} />
          <button type="submit" class="quiet" title={user.email}>
            {t("logout")}
          </button>
        </form>
      </header>
      <div
        id="sse"
        hx-sse:connect={`/events?after=${props.lastEventId}`}
        hx-swap="none"
      >
      </div>
      <main class={`split${thread ? " has-thread" : ""}`}>
        <nav class="list-pane" id="conv-list" aria-label={t("list.label")}>
          <div class="tabs">
            {tab("open", "list.open")}
            {tab("closed", "list.closed")}
          </div>
          <ConversationList
            t={t}
            inboxId={inboxId}
            status={status}
            rows={props.rows}
            next={props.next}
            activeId={thread?.conversation.id}
          />
        </nav>
        <div class="thread-pane" id="thread-pane">
          {thread
            ? <ThreadView t={t} thread={thread} csrfToken={csrfToken} />
            : <p class="empty">{t("thread.pick")}</p>}
        </div>
      </main>
    </Layout>
  );
}
