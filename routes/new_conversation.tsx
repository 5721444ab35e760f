/**
 * GET /conversations/new (the form), GET /conversations/new/contacts (the
 * contact matches as you type) and POST /conversations (start it, F1).
 */
import { Hono } from "hono";
import { z } from "zod";
import { isMessageKey } from "../i18n/translate.ts";
import { listInboxes } from "../services/conversations.ts";
import { DomainError, NotFound } from "../services/errors.ts";
import {
  contactsById,
  findContacts,
  sendingNumbers,
  startConversation,
} from "../services/new_conversation.ts";
import {
  ContactChoices,
  NewConversationForm,
  type NewConversationFormProps,
} from "../views/new_conversation.tsx";
import {
  type AppEnv,
  csrfToken,
  type Ctx,
  currentUser,
  isHtmx,
} from "./context.ts";
import { renderInboxPage } from "./inboxes.tsx";

const id = z.string().regex(/^[1-9]\d{0,15}$/);

const newQuery = z.object({
  inbox: id.optional(),
  to: z.string().max(100).optional(),
});

const startForm = z.object({
  to: z.string().max(100).default(""),
  contact_id: z.union([id, z.literal("")]).optional(),
  number_id: id,
  body: z.string().max(10_000),
  client_key: z.string().regex(/^[\w-]{8,64}$/).optional(),
});

/** The form where it belongs: the thread pane, or a whole page without JS. */
async function renderForm(
  c: Ctx,
  props: Omit<NewConversationFormProps, "t" | "csrfToken" | "numbers">,
  status: 200 | 422 = 200,
) {
  const { db } = c.get("deps");
  const user = currentUser(c);
  const numbers = await sendingNumbers(db.orm, user);
  const form = (
    <NewConversationForm
      t={c.get("t")}
      csrfToken={csrfToken(c)}
      numbers={numbers}
      {...props}
    />
  );
  if (isHtmx(c)) return c.html(form, status);
  const inboxId = props.inboxId ??
    (await listInboxes(db.orm, user))[0]?.id;
  if (!inboxId) throw new NotFound("You belong to no inbox yet");
  const res = await renderInboxPage(c, inboxId, "open", undefined, {
    pane: form,
  });
  return new Response(res.body, { status, headers: res.headers });
}

export const newConversationRoutes = new Hono<AppEnv>();

newConversationRoutes.get("/conversations/new", async (c) => {
  const q = newQuery.parse(c.req.query());
  return await renderForm(c, {
    inboxId: q.inbox ? Number(q.inbox) : undefined,
    to: q.to,
  });
});

newConversationRoutes.get("/conversations/new/contacts", async (c) => {
  const q = z.object({ to: z.string().max(100).default("") }).parse(
    c.req.query(),
  );
  const found = q.to.trim().length > 0
    ? await findContacts(c.get("deps").db.orm, q.to)
    : [];
  return c.html(<ContactChoices t={c.get("t")} contacts={found} />);
});

newConversationRoutes.post("/conversations", async (c) => {
  const t = c.get("t");
  const { db, clock } = c.get("deps");
  const user = currentUser(c);
  const form = startForm.parse(await c.req.parseBody());
  const contactId = form.contact_id ? Number(form.contact_id) : undefined;
  let started;
  try {
    started = await startConversation(db, clock, user, {
      numberId: Number(form.number_id),
      contactId,
      to: form.to,
      body: form.body,
      clientKey: form.client_key,
    });
  } catch (err) {
    if (err instanceof DomainError && err.status === 422) {
      // the same form again, as it was, saying what to fix
      return await renderForm(c, {
        numberId: Number(form.number_id),
        to: form.to,
        body: form.body,
        contactId,
        contacts: contactId ? await contactsById(db.orm, [contactId]) : [],
        error: isMessageKey(err.key) ? t(err.key) : err.message,
      }, 422);
    }
    throw err;
  }
  const href = `/conversations/${started.conversationId}`;
  if (!isHtmx(c)) return c.redirect(href, 303);
  // the thread opens where the form was, through its own route (its page,
  // of which htmx keeps the thread pane), and the URL is pushed
  c.header(
    "HX-Location",
    JSON.stringify({
      path: href,
      target: "#thread-pane",
      select: "#thread-pane",
      swap: "outerHTML",
    }),
  );
  return c.body(null, 204);
});
