/**
 * The inbox screens: GET /, /inboxes, /inboxes/:id (the list pane, its
 * filters in the query string) and /inboxes/:id/list (the next page).
 */
import { Hono } from "hono";
import type { Child } from "hono/jsx";
import { z } from "zod";
import {
  decodeCursor,
  DEFAULT_FILTERS,
  listConversations,
  type ListCursor,
  listFacets,
  type ListFilters,
  type ListStatus,
} from "../services/conversation_list.ts";
import { listInboxes } from "../services/conversations.ts";
import type { FullThread } from "../services/thread_details.ts";
import { DomainError, NotFound } from "../services/errors.ts";
import { latestEventId } from "../services/events.ts";
import { MAX_SEARCH_LENGTH } from "../services/search.ts";
import {
  ConversationItems,
  ListBody,
  ListPane,
} from "../views/conversation_list.tsx";
import { InboxPage } from "../views/inbox_page.tsx";
import { inboxScreen } from "../services/inbox_screen.ts";
import { listUrl } from "../views/list_filters.tsx";
import {
  type AppEnv,
  csrfToken,
  type Ctx,
  currentUser,
  idParam,
  isHtmx,
} from "./context.ts";

const optionalId = z.string().regex(/^([1-9]\d{0,15})?$/).optional();

/** The list's query string (or the filter fields of a form body). */
export const listQuery = z.object({
  status: z.enum(["open", "closed", "spam"]).default("open"),
  assignee: z.string().regex(/^(anyone|me|unassigned|[1-9]\d{0,15})$/)
    .default("anyone"),
  unread: z.enum(["", "0", "1", "on"]).optional(),
  tag: optionalId,
  number: optionalId,
  q: z.string().max(MAX_SEARCH_LENGTH).optional(),
  sort: z.enum(["newest", "oldest", "unread"]).default("newest"),
  after: z.string().max(40).optional(),
});

/** Filters and cursor from a query string or form; bad values are a 400. */
export function parseListQuery(
  input: Record<string, unknown>,
): { filters: ListFilters; cursor?: ListCursor } {
  const q = listQuery.parse(input);
  const assignee = /^\d+$/.test(q.assignee)
    ? Number(q.assignee)
    : q.assignee as ListFilters["assignee"];
  const cursor = q.after ? decodeCursor(q.after) : undefined;
  if (cursor === null) {
    throw new DomainError("Not a list position", 400, "error.bad_request");
  }
  return {
    filters: {
      status: q.status,
      assignee,
      unread: q.unread === "1" || q.unread === "on",
      tagId: q.tag ? Number(q.tag) : null,
      numberId: q.number ? Number(q.number) : null,
      q: (q.q ?? "").trim(),
      sort: q.sort,
    },
    cursor,
  };
}

interface ListState {
  filters: ListFilters;
  cursor?: ListCursor;
}

/** The list body's rows, read after the event cursor. */
async function loadListBody(c: Ctx, inboxId: number, state: ListState) {
  const { db } = c.get("deps");
  const conn = db.orm;
  // read the event cursor first: anything later reaches the page by SSE
  const asOf = await latestEventId(conn);
  const page = await listConversations(
    conn,
    currentUser(c),
    inboxId,
    state.filters,
    { cursor: state.cursor },
  );
  return { filters: state.filters, page, asOf };
}

/** Everything the list pane shows: the body, and the filter form's choices. */
async function loadList(c: Ctx, inboxId: number, state: ListState) {
  const body = await loadListBody(c, inboxId, state);
  const facets = await listFacets(c.get("deps").db.orm, inboxId);
  return { ...body, facets };
}

/** Renders the list body alone (after a filter change or a pin action). */
export async function renderListBody(
  c: Ctx,
  inboxId: number,
  filters: ListFilters,
) {
  const list = await loadListBody(c, inboxId, { filters });
  return c.html(
    <ListBody t={c.get("t")} inboxId={inboxId} {...list} />,
  );
}

export interface InboxPageOptions {
  filters?: ListFilters;
  cursor?: ListCursor;
  /** shown in the thread pane instead of a thread */
  pane?: Child;
  /** the thread's side panel (?panel=contact|details, without JS) */
  threadPanel?: Child;
  /** the thread's composer starts with this text (a canned response) */
  composerBody?: string;
}

/** Renders the whole inbox page, optionally with a thread open. */
export async function renderInboxPage(
  c: Ctx,
  inboxId: number,
  status: ListStatus,
  thread?: FullThread,
  opts: InboxPageOptions = {},
) {
  const user = currentUser(c);
  const filters = opts.filters ?? { ...DEFAULT_FILTERS, status };
  const conn = c.get("deps").db.orm;
  // the event cursor, filter choices, preference and team in one read,
  // before the list (anything later reaches the page by SSE)
  const { asOf, facets, showTags, team } = await inboxScreen(
    conn,
    user,
    inboxId,
  );
  const page = await listConversations(conn, user, inboxId, filters, {
    cursor: opts.cursor,
  });
  const list = { filters, page, asOf, facets };
  return c.html(
    <InboxPage
      t={c.get("t")}
      assets={c.get("assets")}
      user={user}
      csrfToken={csrfToken(c)}
      inboxes={team.inboxes}
      inboxId={inboxId}
      list={list}
      thread={thread}
      pane={opts.pane}
      threadPanel={opts.threadPanel}
      composerBody={opts.composerBody}
      showTags={showTags}
      team={team}
      lastEventId={list.asOf}
    />,
  );
}

/** Which part of the page an htmx request will swap, by its target id. */
function swapTarget(c: Ctx): string {
  if (!isHtmx(c)) return "page";
  const target = c.req.header("hx-target") ?? "";
  return target.slice(target.indexOf("#") + 1);
}

export const inboxRoutes = new Hono<AppEnv>();

inboxRoutes.get("/", async (c) => {
  const inboxes = await listInboxes(c.get("deps").db.orm, currentUser(c));
  if (inboxes.length === 0) throw new NotFound("You belong to no inbox yet");
  return c.redirect(`/inboxes/${inboxes[0].id}`, 302);
});

// the switcher's form target: ?inbox=ID, or ID.NUMBER for one personal
// number (F5): that inbox's list filtered to the number
inboxRoutes.get("/inboxes", (c) => {
  const m = /^([1-9]\d{0,15})(?:\.([1-9]\d{0,15}))?$/.exec(
    c.req.query("inbox") ?? "",
  );
  if (!m) return c.redirect("/", 302);
  const url = `/inboxes/${m[1]}${m[2] ? `?number=${m[2]}` : ""}`;
  if (isHtmx(c)) {
    c.header("HX-Location", url);
  }
  return c.redirect(url, 303);
});

inboxRoutes.get("/inboxes/:inboxId", async (c) => {
  const inboxId = idParam(c, "inboxId");
  if (!inboxId) throw new NotFound();
  const { filters, cursor } = parseListQuery(c.req.query());
  const target = swapTarget(c);
  const source = c.req.header("hx-source") ?? "";
  if (
    target === "conv-list" ||
    (target === "list-body" && source.startsWith("form#list-filters"))
  ) {
    // the short form of the URL the form or tab would push (no defaults)
    c.header("HX-Push-Url", listUrl(inboxId, filters));
  }
  if (target === "list-body") {
    return await renderListBody(c, inboxId, filters);
  }
  if (target === "conv-list") {
    const list = await loadList(c, inboxId, { filters });
    return c.html(
      <ListPane
        t={c.get("t")}
        inboxId={inboxId}
        userId={currentUser(c).id}
        {...list}
      />,
    );
  }
  return await renderInboxPage(c, inboxId, filters.status, undefined, {
    filters,
    cursor,
  });
});

// the next page of a list ("load more")
inboxRoutes.get("/inboxes/:inboxId/list", async (c) => {
  const inboxId = idParam(c, "inboxId");
  if (!inboxId) throw new NotFound();
  const { filters, cursor } = parseListQuery(c.req.query());
  if (!isHtmx(c)) {
    // without JavaScript the "load more" link is a full page of its own
    return await renderInboxPage(c, inboxId, filters.status, undefined, {
      filters,
      cursor,
    });
  }
  const { db } = c.get("deps");
  const page = await listConversations(
    db.orm,
    currentUser(c),
    inboxId,
    filters,
    { cursor },
  );
  return c.html(
    <ConversationItems
      t={c.get("t")}
      inboxId={inboxId}
      filters={filters}
      rows={page.rows}
      next={page.next}
    />,
  );
});
