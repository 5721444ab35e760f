/**
 * Actions on a conversation (F15, F16, F18, F19, F20, F29) and the pieces
 * of the thread they change: its head and side panel. Each POST works as a
 * plain form (303 back to the thread) and, with htmx, answers with partials
 * for the head, the details panel, the activity line and the list row — the
 * same elements the live stream carries to everyone else.
 */
import { Hono } from "hono";
import { z } from "zod";
import { activitiesById } from "../services/activities.ts";
import type { ActionResult } from "../services/conversation_actions.ts";
import {
  assignConversation,
  closeConversation,
  markSpam,
  moveConversation,
  reopenConversation,
} from "../services/conversation_actions.ts";
import {
  contactDetails,
  linkContact,
  listContacts,
  meetingUrlFor,
} from "../services/contacts.ts";
import { conversationSummaries } from "../services/conversations.ts";
import { NotFound } from "../services/errors.ts";
import {
  addTag,
  createTagOn,
  removeTag,
  TAG_COLORS,
} from "../services/tags.ts";
import { threadDetails } from "../services/thread_details.ts";
import { ContactLinkResults } from "../views/contact_link_results.tsx";
import { ContactPanel } from "../views/contact_panel.tsx";
import { DetailsPanel } from "../views/details_panel.tsx";
import { ActivityUpdate, RowUpdate } from "../views/live_update.tsx";
import { ThreadGone } from "../views/thread_gone.tsx";
import { ThreadHead } from "../views/thread_head.tsx";
import {
  type AppEnv,
  csrfToken,
  type Ctx,
  currentUser,
  idParam,
  isHtmx,
} from "./context.ts";

const idString = z.string().regex(/^[1-9]\d{0,15}$/).transform(Number);

const assignForm = z.object({
  assignee: z.union([z.literal("me"), z.literal("none"), idString]),
});
const moveForm = z.object({ inbox_id: idString });
const tagForm = z.object({ tag_id: idString });
const newTagForm = z.object({
  name: z.string().max(40),
  color: z.enum(TAG_COLORS).default("c1"),
});
export const contactFieldsForm = z.object({
  name: z.string().max(120).default(""),
  e164: z.string().max(24),
  email: z.string().max(254).default(""),
  company: z.string().max(120).default(""),
  notes: z.string().max(4000).default(""),
});
const linkForm = z.object({ contact_id: idString });
const searchQuery = z.object({ q: z.string().max(100).default("") });

function conversationId(c: Ctx): number {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  return id;
}

async function form<S extends z.ZodType>(c: Ctx, schema: S) {
  return schema.parse(await c.req.parseBody()) as z.infer<S>;
}

/** The details panel as this user sees it now. */
export async function renderDetailsPanel(c: Ctx, id: number) {
  const { db, clock } = c.get("deps");
  const user = currentUser(c);
  const [details, summaries] = await Promise.all([
    threadDetails(db.orm, user, id),
    conversationSummaries(db.orm, user.id, [id]),
  ]);
  return (
    <DetailsPanel
      t={c.get("t")}
      conv={summaries.get(id)!}
      details={details}
      csrfToken={csrfToken(c)}
      now={clock()}
    />
  );
}

/** The contact panel, optionally with "link a contact" search results. */
export async function renderContactPanel(c: Ctx, id: number, q = "") {
  const { db, config } = c.get("deps");
  const user = currentUser(c);
  const details = await threadDetails(db.orm, user, id);
  const [contact, results] = await Promise.all([
    contactDetails(db.orm, user, details.contact.id),
    q ? listContacts(db.orm, user, { q, limit: 10 }) : Promise.resolve([]),
  ]);
  return (
    <ContactPanel
      t={c.get("t")}
      conversationId={id}
      details={contact}
      csrfToken={csrfToken(c)}
      meetingUrl={meetingUrlFor(
        config.meetingUrlTemplate,
        `conversation-${id}`,
      )}
      q={q}
      results={results}
    />
  );
}

/**
 * The answer to an action: a redirect for plain forms; for htmx the head,
 * the details panel, the new activity line and the list row, as partials.
 */
async function actionResponse(
  c: Ctx,
  result: ActionResult,
  extra?: unknown,
) {
  const id = result.conversationId;
  if (!isHtmx(c)) return c.redirect(`/conversations/${id}`, 303);
  const { db } = c.get("deps");
  const t = c.get("t");
  const user = currentUser(c);
  const [details, summaries, activities] = await Promise.all([
    threadDetails(db.orm, user, id),
    conversationSummaries(db.orm, user.id, [id]),
    activitiesById(db.orm, result.activityId ? [result.activityId] : []),
  ]);
  const conv = summaries.get(id)!;
  const activity = result.activityId
    ? activities.get(result.activityId)
    : undefined;
  return c.html(
    <>
      <hx-partial hx-target={`#thread-head-${id}`} hx-swap="outerHTML">
        <ThreadHead
          t={t}
          conv={conv}
          details={details}
          user={user}
          csrfToken={csrfToken(c)}
        />
      </hx-partial>
      <hx-partial hx-target={`#panel-details-${id}`} hx-swap="outerHTML">
        <DetailsPanel
          t={t}
          conv={conv}
          details={details}
          csrfToken={csrfToken(c)}
          now={c.get("deps").clock()}
        />
      </hx-partial>
      {activity && <ActivityUpdate t={t} activity={activity} />}
      <RowUpdate t={t} conv={conv} />
      {extra}
    </>,
  );
}

export const conversationActionRoutes = new Hono<AppEnv>();

conversationActionRoutes.post("/conversations/:id/assign", async (c) => {
  const id = conversationId(c);
  const { assignee } = await form(c, assignForm);
  const user = currentUser(c);
  const { db, clock } = c.get("deps");
  const result = await assignConversation(db, clock, user, {
    conversationId: id,
    assigneeId: assignee === "me"
      ? user.id
      : assignee === "none"
      ? null
      : assignee,
  });
  return await actionResponse(c, result);
});

conversationActionRoutes.post("/conversations/:id/close", async (c) => {
  const { db, clock } = c.get("deps");
  const result = await closeConversation(
    db,
    clock,
    currentUser(c),
    conversationId(c),
  );
  return await actionResponse(c, result);
});

conversationActionRoutes.post("/conversations/:id/reopen", async (c) => {
  const { db, clock } = c.get("deps");
  const result = await reopenConversation(
    db,
    clock,
    currentUser(c),
    conversationId(c),
  );
  return await actionResponse(c, result);
});

conversationActionRoutes.post("/conversations/:id/spam", async (c) => {
  const { db, clock } = c.get("deps");
  const result = await markSpam(db, clock, currentUser(c), conversationId(c));
  return await actionResponse(c, result);
});

conversationActionRoutes.post("/conversations/:id/move", async (c) => {
  const id = conversationId(c);
  const { inbox_id } = await form(c, moveForm);
  const { db, clock } = c.get("deps");
  const result = await moveConversation(db, clock, currentUser(c), {
    conversationId: id,
    targetInboxId: inbox_id,
  });
  return await actionResponse(c, result);
});

conversationActionRoutes.post("/conversations/:id/tags", async (c) => {
  const id = conversationId(c);
  const { tag_id } = await form(c, tagForm);
  const { db, clock } = c.get("deps");
  const result = await addTag(db, clock, currentUser(c), {
    conversationId: id,
    tagId: tag_id,
  });
  return await actionResponse(c, result);
});

// any member may make a tag on the spot and put it on the conversation
conversationActionRoutes.post("/conversations/:id/tags/new", async (c) => {
  const id = conversationId(c);
  const input = await form(c, newTagForm);
  const { db, clock } = c.get("deps");
  const result = await createTagOn(db, clock, currentUser(c), id, input);
  return await actionResponse(c, result);
});

conversationActionRoutes.post(
  "/conversations/:id/tags/:tagId/remove",
  async (c) => {
    const id = conversationId(c);
    const tagId = idParam(c, "tagId");
    if (!tagId) throw new NotFound();
    const { db, clock } = c.get("deps");
    const result = await removeTag(db, clock, currentUser(c), {
      conversationId: id,
      tagId,
    });
    return await actionResponse(c, result);
  },
);

async function linkResponse(c: Ctx, result: ActionResult) {
  const id = result.conversationId;
  return await actionResponse(
    c,
    result,
    <hx-partial hx-target={`#panel-contact-${id}`} hx-swap="outerHTML">
      {await renderContactPanel(c, id)}
    </hx-partial>,
  );
}

conversationActionRoutes.post("/conversations/:id/contact", async (c) => {
  const id = conversationId(c);
  const { contact_id } = await form(c, linkForm);
  const { db, clock } = c.get("deps");
  const result = await linkContact(db, clock, currentUser(c), {
    conversationId: id,
    contactId: contact_id,
  });
  return await linkResponse(c, result);
});

conversationActionRoutes.post("/conversations/:id/contact/new", async (c) => {
  const id = conversationId(c);
  const fields = await form(c, contactFieldsForm);
  const { db, clock } = c.get("deps");
  const result = await linkContact(db, clock, currentUser(c), {
    conversationId: id,
    newContact: fields,
  });
  return await linkResponse(c, result);
});

// The head and the details panel as this user sees them now: open threads
// fetch them again when the live stream says the conversation changed.
conversationActionRoutes.get("/conversations/:id/head", async (c) => {
  const id = conversationId(c);
  const { db } = c.get("deps");
  const user = currentUser(c);
  const t = c.get("t");
  try {
    const [details, summaries] = await Promise.all([
      threadDetails(db.orm, user, id),
      conversationSummaries(db.orm, user.id, [id]),
    ]);
    return c.html(
      <ThreadHead
        t={t}
        conv={summaries.get(id)!}
        details={details}
        user={user}
        csrfToken={csrfToken(c)}
      />,
    );
  } catch (err) {
    if (!(err instanceof NotFound)) throw err;
    return c.html(<ThreadGone t={t} id={`thread-head-${id}`} />, 404);
  }
});

conversationActionRoutes.get("/conversations/:id/panel/:tab", async (c) => {
  const id = conversationId(c);
  const tab = c.req.param("tab");
  if (tab === "none") return c.html("");
  try {
    if (tab === "details") return c.html(await renderDetailsPanel(c, id));
    if (tab === "contact") return c.html(await renderContactPanel(c, id));
  } catch (err) {
    if (!(err instanceof NotFound)) throw err;
    return c.html(<ThreadGone t={c.get("t")} id={`panel-${tab}-${id}`} />, 404);
  }
  throw new NotFound();
});

conversationActionRoutes.get(
  "/conversations/:id/panel/contact/search",
  async (c) => {
    const id = conversationId(c);
    const { q } = searchQuery.parse(c.req.query());
    const { db } = c.get("deps");
    const user = currentUser(c);
    const details = await threadDetails(db.orm, user, id);
    const results = q.trim()
      ? await listContacts(db.orm, user, { q, limit: 10 })
      : [];
    return c.html(
      <ContactLinkResults
        t={c.get("t")}
        conversationId={id}
        currentContactId={details.contact.id}
        q={q.trim()}
        results={results}
        csrfToken={csrfToken(c)}
      />,
    );
  },
);
