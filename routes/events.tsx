/**
 * GET /events: the live stream (SSE) of one logged-in browser tab. It first
 * replays what the tab missed (Last-Event-ID, or ?after= from the page),
 * then follows the event bus. Each event becomes htmx partials; the bytes
 * of one event for one kind of viewer are rendered once per batch and shared.
 */
import { log } from "../services/log.ts";
import { Hono } from "hono";
import type { Db } from "../db/client.ts";
import type { T } from "../i18n/translate.ts";
import { memberInboxIds } from "../services/access.ts";
import {
  conversationSummaries,
  type ConversationSummary,
  messagesById,
  type ThreadMessage,
} from "../services/conversations.ts";
import {
  EventBatch,
  isVisibleTo,
  type Subscriber,
} from "../services/event_bus.ts";
import { eventsVisibleTo, type StoredEvent } from "../services/events.ts";
import {
  ActivityUpdate,
  ListSignal,
  MessageUpdate,
  RowRefresh,
  RowRemove,
  RowUpdate,
  ThreadReload,
  TypingUpdate,
} from "../views/live_update.tsx";
import { TYPING_TTL_MS } from "../services/typing.ts";
import { activitiesById, type Activity } from "../services/activities.ts";
import { campaignIdsOfMessages } from "../services/campaigns.ts";
import { CampaignSignal } from "../views/campaign_signal.tsx";
import type { AppEnv } from "./context.ts";
import { currentUser } from "./context.ts";
import { memberChatIds } from "../services/chats.ts";
import {
  chatUnreadFor,
  inboxCountsFor,
  viewerFlagsFor,
  type ViewersOf,
} from "../services/live_counts.ts";
import { countsFrame } from "../views/unread_totals_update.tsx";
import {
  batchNotifyPrefs,
  isBatchViewer,
  isTeamEvent,
  mayNotify,
  type Notice,
  noticeFor,
  noticeFrame,
  renderTeamEvent,
} from "./team_events.tsx";

const HEARTBEAT_MS = 15_000;
const encoder = new TextEncoder();
const PING = encoder.encode(": ping\n\n");

// One timer beats for every open stream (a timer per stream costs memory
// per connection); it runs only while a stream is open.
const beating = new Set<() => void>();
let beatTimer: ReturnType<typeof setInterval> | undefined;
function startBeat(fn: () => void) {
  beating.add(fn);
  beatTimer ??= setInterval(() => {
    for (const f of beating) f();
  }, HEARTBEAT_MS);
}
function stopBeat(fn: () => void) {
  beating.delete(fn);
  if (beating.size === 0 && beatTimer !== undefined) {
    clearInterval(beatTimer);
    beatTimer = undefined;
  }
  if (beating.size === 0) {
    for (const [id, resolve] of turns) {
      clearTimeout(id);
      resolve();
    }
    turns.clear();
  }
}

interface BatchData {
  messages: Map<number, ThreadMessage>;
  conversations: Map<number, ConversationSummary>;
  activities: Map<number, Activity>;
  /** per conversation: who pinned it / has it unread */
  viewers: { pinned: ViewersOf; unread: ViewersOf };
  /** message id → campaign id, for the campaign pages' live progress */
  campaigns: Map<number, number>;
}

/** What differs between viewers of one event, besides locale and time zone. */
interface ViewerFlags {
  unread: boolean;
  pinned: boolean;
}

/** The viewer's flags as a number 0-3 (unread 1, pinned 2): no object per viewer. */
function flagsOf(data: BatchData, userId: number, e: StoredEvent): number {
  const c = e.conversationId ?? 0;
  return (data.viewers.unread.get(c)?.has(userId) ? 1 : 0) |
    (data.viewers.pinned.get(c)?.has(userId) ? 2 : 0);
}

function flagsFrom(bits: number): ViewerFlags {
  return { unread: (bits & 1) !== 0, pinned: (bits & 2) !== 0 };
}

/**
 * An event's rendered part for viewers who see it alike (one locale and
 * time zone, one set of flags), made once per batch. Looked up by the
 * stream's own locale key and a number, so a thousand viewers build no
 * key string and hash none.
 */
const sharedParts = new WeakMap<StoredEvent, Map<string, (string | null)[]>>();
function sharedPart(
  e: StoredEvent,
  viewerKey: string,
  flags: number,
  make: () => string | null,
): string | null {
  let byViewer = sharedParts.get(e);
  if (!byViewer) sharedParts.set(e, byViewer = new Map());
  let parts = byViewer.get(viewerKey);
  if (!parts) byViewer.set(viewerKey, parts = []);
  let part = parts[flags];
  if (part === undefined) part = parts[flags] = make();
  return part;
}

/**
 * The frame of these bytes, encoded once per batch: viewers whose update
 * reads the same share one Uint8Array. Keyed by the html itself (one part
 * is the shared part's own string, its hash already computed).
 */
function sharedFrame(batch: EventBatch, id: number, html: string): Uint8Array {
  const frames = batch.once(
    "frames",
    () => new Map<number, Map<string, Uint8Array>>(),
  );
  let byHtml = frames.get(id);
  if (!byHtml) frames.set(id, byHtml = new Map());
  let frame = byHtml.get(html);
  if (!frame) byHtml.set(html, frame = sseFrame(id, html));
  return frame;
}

// an event's actor ("by"), parsed once for all its viewers
const actors = new WeakMap<StoredEvent, number | undefined>();
function actorOf(e: StoredEvent): number | undefined {
  if (!actors.has(e)) {
    actors.set(e, (JSON.parse(e.payload) as { by?: number }).by);
  }
  return actors.get(e);
}

/** Events after which this viewer's per-inbox unread counts may differ. */
function changesCounts(e: StoredEvent): boolean {
  return e.kind === "access.changed" ||
    (e.conversationId !== null && e.kind !== "message.updated" &&
      e.kind !== "conversation.typing");
}

/** The audit-trail entry an action's event points at, if any. */
function activityIdOf(e: StoredEvent): number | null {
  if (e.kind !== "conversation.updated") return null;
  const id = (JSON.parse(e.payload) as { activityId?: unknown }).activityId;
  return typeof id === "number" ? id : null;
}

/** The campaign whose page this event changes, if any. */
function campaignOf(e: StoredEvent, data: BatchData): number | null {
  if (e.kind === "campaign.updated") {
    const id = (JSON.parse(e.payload) as { campaignId?: unknown }).campaignId;
    return typeof id === "number" ? id : null;
  }
  return e.messageId ? data.campaigns.get(e.messageId) ?? null : null;
}

/** Loads what a batch refers to, in two queries for the whole batch. */
async function loadBatchData(
  db: Db,
  events: StoredEvent[],
): Promise<BatchData> {
  const messageIds = new Set<number>();
  const conversationIds = new Set<number>();
  const activityIds = new Set<number>();
  for (const e of events) {
    // a typing ping carries all it shows
    if (e.kind === "conversation.typing") continue;
    if (e.messageId) messageIds.add(e.messageId);
    if (e.conversationId) conversationIds.add(e.conversationId);
    const a = activityIdOf(e);
    if (a) activityIds.add(a);
  }
  const [messages, conversations, activities, viewers, campaigns] =
    await Promise.all([
      messagesById(db.orm, [...messageIds]),
      // user 0 reads nothing: unread and pinned are set per viewer below
      conversationSummaries(db.orm, 0, [...conversationIds]),
      activitiesById(db.orm, [...activityIds]),
      viewerFlagsFor(db.orm, [...conversationIds]),
      campaignIdsOfMessages(db.orm, [...messageIds]),
    ]);
  return { messages, conversations, activities, viewers, campaigns };
}

/** One event as SSE bytes for one kind of viewer, or null if it shows nothing. */
function renderEvent(
  t: T,
  _userId: number,
  e: StoredEvent,
  data: BatchData,
  flags: ViewerFlags,
): string | null {
  const summary = e.conversationId
    ? data.conversations.get(e.conversationId)
    : undefined;
  // the row as this viewer sees it: their unread state and pins, from the
  // tables as they are now (internal actions never make a row unread)
  const conv = summary && { ...summary, ...flags };
  switch (e.kind) {
    case "message.created": {
      const msg = e.messageId ? data.messages.get(e.messageId) : undefined;
      if (!msg || !conv) return null;
      return String(
        <>
          <MessageUpdate t={t} msg={msg} />
          <RowUpdate t={t} conv={conv} />
        </>,
      );
    }
    case "message.updated": {
      const msg = e.messageId ? data.messages.get(e.messageId) : undefined;
      return msg ? String(<MessageUpdate t={t} msg={msg} />) : null;
    }
    case "conversation.read":
    case "conversation.unread":
      return conv ? String(<RowRefresh t={t} conv={conv} />) : null;
    case "pins.changed":
      return e.inboxId
        ? String(<ListSignal inboxId={e.inboxId} eventId={e.id} />)
        : null;
    case "conversation.reopened":
    case "conversation.updated": {
      if (!conv) return null;
      const a = activityIdOf(e);
      const activity = a ? data.activities.get(a) : undefined;
      // the open thread shows the activity line and its new head
      return String(
        <>
          <RowUpdate t={t} conv={conv} />
          {activity && <ActivityUpdate t={t} activity={activity} />}
          <ThreadReload conversationId={conv.id} />
        </>,
      );
    }
    case "conversation.removed":
      return e.conversationId
        ? String(
          <>
            <RowRemove conversationId={e.conversationId} />
            <ThreadReload conversationId={e.conversationId} />
          </>,
        )
        : null;
    case "conversation.typing": {
      // "Ana is replying…" for everyone but Ana; a replayed old ping is stale
      const age = Date.now() - e.createdAt;
      const p = JSON.parse(e.payload) as { by?: number; name?: string };
      if (_userId !== 0 || !e.conversationId || age > TYPING_TTL_MS) {
        return null;
      }
      return String(
        <TypingUpdate
          t={t}
          conversationId={e.conversationId}
          userId={p.by ?? 0}
          name={p.name ?? ""}
          ttl={TYPING_TTL_MS - Math.max(0, age)}
        />,
      );
    }
    default:
      return null;
  }
}

/**
 * Frames HTML as one SSE message; data lines may not hold CR or LF. The
 * spaces JSX leaves where an attribute is undefined go: a `"` is always an
 * attribute's delimiter (JSX escapes it in text and values).
 */
export function sseFrame(id: number, html: string): Uint8Array {
  const tidy = html.replace(/" +>/g, '">').replace(/" {2,}/g, '" ');
  const lines = tidy.replace(/\r\n?/g, "\n").split("\n");
  return encoder.encode(
    `id: ${id}\n${lines.map((l) => `data: ${l}\n`).join("")}\n`,
  );
}

/**
 * Every viewer's unread counts, two queries per batch (not per viewer);
 * `after` holds the queries back (see prefetch).
 */
function viewerCounts(
  db: Db,
  batch: EventBatch,
  viewers: number[],
  after: Promise<unknown> = Promise.resolve(),
) {
  return batch.once(
    `counts:${viewers.length}`,
    () =>
      after.then(() =>
        Promise.all([
          inboxCountsFor(db.orm, viewers),
          chatUnreadFor(db.orm, viewers),
        ])
      ),
  );
}

// turns prefetch waits for: resolved at once when the last stream closes,
// so no timer outlives the streams (a test's, or a server shutting down)
const turns = new Map<ReturnType<typeof setTimeout>, () => void>();

/**
 * Resolves once the event loop has had a turn (timers come after I/O); at
 * once when no stream is open (they may all have closed while the batch's
 * rows were read), so no timer is left behind.
 */
function nextTurn(): Promise<void> {
  if (beating.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const id = setTimeout(() => {
      turns.delete(id);
      resolve();
    }, 0);
    turns.set(id, resolve);
  });
}

/**
 * Starts what the batch's viewers will wait for: the rows its events refer
 * to, then everyone's counts and notification preferences. The embedded
 * database answers in the calling thread, so a query started before the
 * updates are written holds every viewer's update back: the counts and
 * preferences queries wait until the updates are written and the event
 * loop has had a turn to send them. A failure reaches the viewers who
 * await it; none is left unhandled.
 */
function prefetch(db: Db, batch: EventBatch) {
  const started: Promise<unknown>[] = [];
  let frames: Promise<unknown> = Promise.resolve();
  if (batch.events.some((e) => !isTeamEvent(e))) {
    frames = batch.once("data", () => loadBatchData(db, batch.events));
    started.push(frames);
  }
  const after = frames.catch(() => {}).then(nextTurn);
  const viewers = batch.userIds;
  const counts = batch.events.some((e) =>
    changesCounts(e) || (isTeamEvent(e) && e.chatId !== null)
  );
  if (counts && viewers.length > 0) {
    started.push(viewerCounts(db, batch, viewers, after));
  }
  if (batch.events.some(mayNotify) && viewers.length > 0) {
    started.push(batchNotifyPrefs(db, batch, viewers, after));
  }
  for (const p of started) p.catch(() => {});
}

export const eventRoutes = new Hono<AppEnv>();

eventRoutes.get("/events", (c) => {
  const { db, bus } = c.get("deps");
  const session = c.get("session")!;
  const user = currentUser(c);
  const t = c.get("t");
  const header = c.req.header("last-event-id") ?? c.req.query("after") ?? "0";
  let cursor = /^\d{1,15}$/.test(header) ? Number(header) : 0;

  const sub: Subscriber & { closed: boolean } = {
    userId: user.id,
    inboxIds: new Set(),
    chatIds: new Set(),
    closed: false,
    deliver: (batch) => enqueue(() => handleBatch(batch)),
  };
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let unsubscribe = () => {};
  const beat = () => write(PING);
  let chain: Promise<void> = Promise.resolve();
  // the counts frame this stream sent last: the same one is not sent again
  let lastCounts = "";
  // viewers with the same key see the same bytes of an event (flags aside)
  const viewerKey = `${t.locale}:${t.timeZone}`;

  const enqueue = (work: () => Promise<void>) => {
    chain = chain.then(() => sub.closed ? undefined : work()).catch((err) => {
      // a stream already gone has no one to fail for: its counts may have
      // been queued behind its update while the app shut down
      if (!sub.closed) log("error", "live stream failed", { error: err });
      close();
    });
  };
  const write = (bytes: Uint8Array) => {
    if (!sub.closed) controller.enqueue(bytes);
  };
  const close = () => {
    if (sub.closed) return;
    sub.closed = true;
    unsubscribe();
    stopBeat(beat);
    try {
      controller.close();
    } catch { /* already closed by the client */ }
  };

  /** Renders the events this user may see, sharing work through the batch. */
  const emit = async (batch: EventBatch, shared: boolean) => {
    // the first viewer starts the batch's shared queries side by side, so
    // no viewer waits for them one after another
    if (shared) batch.once("prefetch", () => prefetch(db, batch));
    let html = "";
    // viewers whose html is the same share one encoded frame; not once a
    // part is this viewer's own
    let sharesFrame = shared;
    let lastId = cursor;
    let countsChanged = false;
    const campaignsChanged = new Set<number>();
    // browser notifications: for live events only, never for a replay;
    // worked out after the frame is written, so it does not wait for them
    const notices: (() => Promise<Notice | null>)[] = [];
    for (const e of batch.events) {
      if (e.id <= cursor) continue;
      if (e.kind === "session.ended" && e.userId === user.id) {
        const ended = (JSON.parse(e.payload) as { session?: string }).session;
        if (ended === session.idHash) {
          close();
          return;
        }
      }
      if (e.kind === "access.changed" && e.userId === user.id) {
        sub.inboxIds = await memberInboxIds(db.orm, user.id);
        sub.chatIds = await memberChatIds(db.orm, user.id);
      }
      if (!isVisibleTo(sub, e)) continue;
      lastId = e.id;
      if (isTeamEvent(e)) {
        // presence, queues, chats: routes/team_events.tsx
        const part = await renderTeamEvent(db, batch, t, user, e);
        if (part) {
          html += part;
          sharesFrame = false;
        }
        countsChanged ||= e.chatId !== null;
        if (shared && mayNotify(e)) {
          notices.push(() =>
            noticeFor(db, batch, t, user, e, {
              messages: new Map(),
              conversations: new Map(),
            })
          );
        }
        continue;
      }
      const data = await batch.once(
        "data",
        () => loadBatchData(db, batch.events),
      );
      // the bytes depend on the viewer only through locale, "is it mine"
      // and the viewer's unread/pinned state of the conversation
      const mine = e.userId === user.id || actorOf(e) === user.id;
      const flags = flagsOf(data, user.id, e);
      // the actor's own update is theirs alone
      const part = shared && !mine
        ? sharedPart(
          e,
          viewerKey,
          flags,
          () => renderEvent(t, 0, e, data, flagsFrom(flags)),
        )
        : renderEvent(t, user.id, e, data, flagsFrom(flags));
      if (part) {
        html += part;
        if (mine) sharesFrame = false;
      }
      countsChanged ||= changesCounts(e);
      if (shared && mayNotify(e)) {
        notices.push(() => noticeFor(db, batch, t, user, e, data));
      }
      const campaignId = campaignOf(e, data);
      if (campaignId) campaignsChanged.add(campaignId);
    }
    for (const id of campaignsChanged) {
      html += String(<CampaignSignal campaignId={id} eventId={lastId} />);
    }
    if (lastId <= cursor) return;
    cursor = lastId;
    // the update first: counts and notifications are messages of their own
    // and need queries the update does not (an id-only frame still moves
    // Last-Event-ID forward)
    write(
      sharesFrame ? sharedFrame(batch, cursor, html) : sseFrame(cursor, html),
    );
    if (countsChanged) {
      // every viewer's counts in two queries per batch, not per viewer
      const viewers = isBatchViewer(batch, user.id) ? batch.userIds : [user.id];
      const [inboxCounts, chatCounts] = await viewerCounts(db, batch, viewers);
      // a few bytes of numbers (static/app.js writes the labels), and only
      // when they differ from what this stream sent last
      const frame = countsFrame(
        inboxCounts.get(user.id) ?? [],
        chatCounts.get(user.id) ?? 0,
      );
      if (frame !== lastCounts) {
        lastCounts = frame;
        write(batch.once(`counts-frame:${frame}`, () => encoder.encode(frame)));
      }
    }
    for (const make of notices) {
      const n = await make();
      if (n) write(encoder.encode(noticeFrame(n)));
    }
  };

  const handleBatch = (batch: EventBatch) => emit(batch, true);

  const replay = async () => {
    sub.inboxIds = await memberInboxIds(db.orm, user.id);
    sub.chatIds = await memberChatIds(db.orm, user.id);
    // the tab is as new as the bus: what comes after, the bus delivers (it
    // was subscribed first), so a thousand tabs opening cost no reads
    if (cursor > 0 && cursor >= bus.lastId) return;
    while (!sub.closed) {
      const rows = await eventsVisibleTo(db.orm, user.id, cursor);
      if (rows.length === 0) return;
      await emit(new EventBatch(rows), false);
      if (rows.length < 500) return;
    }
  };

  const body = new ReadableStream<Uint8Array>({
    start(ctrl) {
      controller = ctrl;
      // subscribe first so nothing committed during the replay is missed;
      // the cursor drops what the replay already sent
      unsubscribe = bus.subscribe(sub);
      write(encoder.encode(`retry: 2000\n: connected\n\n`));
      enqueue(replay);
      startBeat(beat);
    },
    cancel() {
      close();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
});
