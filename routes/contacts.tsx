/**
 * Contacts (F9, F13): the list with search and favourites, a contact's
 * page, adding and editing, favourites and manual opt-out per number.
 * Forms posted from a thread's side panel carry `conversation_id`, and the
 * answer re-renders the card for that context.
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  contactDetails,
  createContact,
  listContacts,
  meetingUrlFor,
  setFavourite,
  setOptOut,
  updateContact,
} from "../services/contacts.ts";
import { DomainError, NotFound } from "../services/errors.ts";
import { isMessageKey } from "../i18n/translate.ts";
import { ContactCard } from "../views/contact_card.tsx";
import { ContactListItems } from "../views/contact_list.tsx";
import { ContactNewPage } from "../views/contact_new_page.tsx";
import { ContactPage } from "../views/contact_page.tsx";
import { ContactsPage } from "../views/contacts_page.tsx";
import { contactFieldsForm } from "./conversation_actions.tsx";
import {
  type AppEnv,
  csrfToken,
  type Ctx,
  currentUser,
  idParam,
  isHtmx,
} from "./context.ts";

const listQuery = z.object({
  q: z.string().max(100).default(""),
  fav: z.enum(["0", "1"]).default("0"),
});
const context = z.object({
  conversation_id: z.string().regex(/^[1-9]\d{0,15}$/).transform(Number)
    .optional(),
});
const favouriteForm = context.extend({ favourite: z.enum(["0", "1"]) });
const optOutForm = context.extend({
  number_id: z.string().regex(/^[1-9]\d{0,15}$/).transform(Number),
  opted_out: z.enum(["0", "1"]),
});

function contactId(c: Ctx): number {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  return id;
}

/** The card again, where the form was (page or side panel). */
async function cardResponse(c: Ctx, id: number, conversationId?: number) {
  if (!isHtmx(c)) {
    return c.redirect(
      conversationId
        ? `/conversations/${conversationId}?panel=contact`
        : `/contacts/${id}`,
      303,
    );
  }
  const { db, config } = c.get("deps");
  const details = await contactDetails(db.orm, currentUser(c), id);
  return c.html(
    <hx-partial hx-target={`#contact-card-${id}`} hx-swap="outerHTML">
      <ContactCard
        t={c.get("t")}
        details={details}
        csrfToken={csrfToken(c)}
        conversationId={conversationId}
        meetingUrl={meetingUrlFor(
          config.meetingUrlTemplate,
          conversationId ? `conversation-${conversationId}` : `contact-${id}`,
        )}
      />
    </hx-partial>,
  );
}

export const contactRoutes = new Hono<AppEnv>();

contactRoutes.get("/contacts", async (c) => {
  const q = listQuery.parse(c.req.query());
  const { db } = c.get("deps");
  const user = currentUser(c);
  const contacts = await listContacts(db.orm, user, {
    q: q.q,
    favouritesOnly: q.fav === "1",
  });
  return c.html(
    <ContactsPage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={user}
      contacts={contacts}
      q={q.q.trim()}
      favouritesOnly={q.fav === "1"}
    />,
  );
});

// the active search's answer: the list items only
contactRoutes.get("/contacts/results", async (c) => {
  const q = listQuery.parse(c.req.query());
  const { db } = c.get("deps");
  const contacts = await listContacts(db.orm, currentUser(c), {
    q: q.q,
    favouritesOnly: q.fav === "1",
  });
  return c.html(
    <ContactListItems
      t={c.get("t")}
      contacts={contacts}
      q={q.q.trim()}
      favouritesOnly={q.fav === "1"}
    />,
  );
});

contactRoutes.get("/contacts/new", (c) =>
  c.html(
    <ContactNewPage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={currentUser(c)}
    />,
  ));

contactRoutes.post("/contacts", async (c) => {
  const t = c.get("t");
  const body = await c.req.parseBody();
  const fields = contactFieldsForm.parse(body);
  const { db, clock } = c.get("deps");
  const user = currentUser(c);
  try {
    const contact = await createContact(db, clock, user, fields);
    return c.redirect(`/contacts/${contact.id}`, 303);
  } catch (err) {
    if (!(err instanceof DomainError) || err.status !== 422) throw err;
    return c.html(
      <ContactNewPage
        t={t}
        assets={c.get("assets")}
        csrfToken={csrfToken(c)}
        user={user}
        values={fields}
        error={isMessageKey(err.key) ? t(err.key) : err.message}
      />,
      422,
    );
  }
});

contactRoutes.get("/contacts/:id", async (c) => {
  const id = contactId(c);
  const { db, config } = c.get("deps");
  const user = currentUser(c);
  const details = await contactDetails(db.orm, user, id);
  return c.html(
    <ContactPage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={user}
      details={details}
      meetingUrl={meetingUrlFor(config.meetingUrlTemplate, `contact-${id}`)}
    />,
  );
});

contactRoutes.post("/contacts/:id", async (c) => {
  const id = contactId(c);
  const body = await c.req.parseBody();
  const fields = contactFieldsForm.parse(body);
  const { conversation_id } = context.parse(body);
  const { db, clock } = c.get("deps");
  await updateContact(db, clock, currentUser(c), id, fields);
  return await cardResponse(c, id, conversation_id);
});

contactRoutes.post("/contacts/:id/favourite", async (c) => {
  const id = contactId(c);
  const input = favouriteForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  await setFavourite(db, clock, currentUser(c), id, input.favourite === "1");
  return await cardResponse(c, id, input.conversation_id);
});

contactRoutes.post("/contacts/:id/opt-out", async (c) => {
  const id = contactId(c);
  const input = optOutForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  await setOptOut(db, clock, currentUser(c), {
    contactId: id,
    numberId: input.number_id,
    optedOut: input.opted_out === "1",
  });
  return await cardResponse(c, id, input.conversation_id);
});
