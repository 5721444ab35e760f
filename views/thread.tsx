/**
 * A conversation: its head, its messages with the activity lines among
 * them, the side panel (contact or details) and the reply composer.
 */
import type { Child } from "hono/jsx";
import type { T } from "../i18n/translate.ts";
import type { FullThread } from "../services/thread_details.ts";
import type { User } from "../services/users.ts";
import { ActivityLine, activitySeq } from "./activity_line.tsx";
import { mediaRules } from "../services/media_limits.ts";
import { Composer } from "./composer.tsx";
import { ConversationTools } from "./conversation_tools.tsx";
import { TypingNotice } from "./typing_notice.tsx";
import { MessageBubble } from "./message_bubble.tsx";
import { ThreadHead } from "./thread_head.tsx";
import { ReactPicker } from "./reaction_bar.tsx";

export interface ThreadViewProps {
  t: T;
  thread: FullThread;
  csrfToken: string;
  user: User;
  /** the side panel's content when the page is asked for one (?panel=) */
  panel?: Child;
  /** text to start the composer with (a canned response, without JS) */
  composerBody?: string;
}

/** Messages and activity lines in the order the live upserts keep them. */
function threadItems(t: T, thread: FullThread) {
  const items = [
    ...thread.messages.map((m) => ({
      key: String(m.id).padStart(12, "0"),
      node: <MessageBubble t={t} msg={m} />,
    })),
    ...thread.activities.map((a) => ({
      key: activitySeq(a),
      node: <ActivityLine t={t} activity={a} />,
    })),
  ];
  items.sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return items.map((i) => i.node);
}

export function ThreadView(
  { t, thread, csrfToken, user, panel, composerBody }: ThreadViewProps,
) {
  const c = thread.conversation;
  return (
    <section
      class="thread"
      data-conversation={c.id}
      data-channel={c.channel}
      aria-labelledby={`thread-title-${c.id}`}
    >
      <ThreadHead
        t={t}
        conv={c}
        details={thread.details}
        user={user}
        csrfToken={csrfToken}
      />
      <div class="thread-body">
        <ol
          id={`messages-${c.id}`}
          class="messages"
          aria-label={t("thread.label")}
          aria-live="polite"
        >
          {threadItems(t, thread)}
        </ol>
        <aside
          id={`side-panel-${c.id}`}
          class="side-panel"
          aria-label={t("panel.label")}
        >
          {panel}
        </aside>
      </div>
      {/* what live messages' reaction forms get (static/app.js) */}
      <template id="react-picker">
        <ReactPicker t={t} />
      </template>
      <TypingNotice conversationId={c.id} />
      <ConversationTools
        t={t}
        conversationId={c.id}
        csrfToken={csrfToken}
        meeting={!!thread.meeting}
        blocked={!!thread.replyBlock}
      />
      <Composer
        t={t}
        conversationId={c.id}
        csrfToken={csrfToken}
        channel={c.channel}
        block={thread.replyBlock ?? null}
        body={composerBody}
        media={thread.composer && mediaRules({
          channel: thread.composer.channel,
          provider: thread.composer.provider,
          e164: thread.composer.numberE164,
        })}
        lastSeenId={thread.composer?.lastMessageId}
      />
    </section>
  );
}
