/**
 * Campaigns (F4): the list and the new-campaign form, a draft's audience,
 * message and preview, sending it, and a started campaign's live progress
 * with pause, resume and cancel. Every form works as plain HTML (POST,
 * then a redirect or the page again); with htmx the answer is the part of
 * the page that changed, and a refusal's text lands in #campaign-msg.
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  addAudience,
  type AudienceReport,
  type AudienceSource,
} from "../services/campaign_audience.ts";
import {
  campaignCounts,
  type CampaignPrices,
  listRecipients,
  previewCampaign,
  RECIPIENT_STATUSES,
} from "../services/campaign_progress.ts";
import {
  type CampaignMessageInput,
  campaignNumbers,
  type CampaignView,
  cancelCampaign,
  createCampaign,
  deleteDraft,
  listCampaigns,
  pauseCampaign,
  removeRecipient,
  requireCampaign,
  resumeCampaign,
  saveDraft,
  startCampaign,
} from "../services/campaigns.ts";
import { DomainError, Invalid, NotFound } from "../services/errors.ts";
import { latestEventId } from "../services/events.ts";
import { parseMinutes, zonedTimeToUtc } from "../services/quiet_hours.ts";
import { tagsOfInbox } from "../services/tags.ts";
import { AudienceSection } from "../views/campaign_audience.tsx";
import { CampaignDraftPage } from "../views/campaign_draft_page.tsx";
import { CampaignPreviewPanel } from "../views/campaign_preview.tsx";
import { CampaignProgress } from "../views/campaign_progress.tsx";
import { RecipientTable } from "../views/campaign_recipients.tsx";
import { CampaignRunPage } from "../views/campaign_run_page.tsx";
import { CampaignsPage } from "../views/campaigns_page.tsx";
import {
  type AppEnv,
  csrfToken,
  type Ctx,
  currentUser,
  idParam,
  isHtmx,
  refusalText as refusalMessage,
} from "./context.ts";

const id = z.string().regex(/^[1-9]\d{0,15}$/);
/** an uploaded list may be this large */
const MAX_LIST_BYTES = 4 * 1024 * 1024;

const createForm = z.object({
  name: z.string().max(400),
  number_id: id,
});

const messageForm = z.object({
  name: z.string().max(400),
  body: z.string().max(10_000),
  quiet_from: z.string().max(8),
  quiet_until: z.string().max(8),
  scheduled_at: z.string().max(30).default(""),
  preview_recipient: z.union([id, z.literal("")]).optional(),
  then: z.enum(["preview"]).optional(),
});

const audienceForm = z.discriminatedUnion("source", [
  z.object({ source: z.literal("tag"), tag_id: id }),
  z.object({ source: z.literal("favourites") }),
  z.object({
    source: z.literal("list"),
    text: z.string().max(MAX_LIST_BYTES).default(""),
    file: z.union([z.instanceof(File), z.literal("")]).optional(),
  }),
  z.object({
    source: z.literal("hand"),
    number: z.string().max(40),
    name: z.string().max(120).default(""),
  }),
]);

const recipientsQuery = z.object({
  status: z.union([z.enum(RECIPIENT_STATUSES), z.literal("")]).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  saved: z.literal("1").optional(),
});

const previewQuery = z.object({
  body: z.string().max(10_000).default(""),
  preview_recipient: z.union([id, z.literal("")]).optional(),
});

/** The id in the path, or 404. */
export function param(c: Ctx, name: string): number {
  const n = idParam(c, name);
  if (!n) throw new NotFound();
  return n;
}

/**
 * The text of a refusal (422, or 413 for a file too large), or the error
 * again if it is not one.
 */
export function refusalText(c: Ctx, err: unknown): string {
  if (
    !(err instanceof DomainError) || (err.status !== 422 && err.status !== 413)
  ) throw err;
  return refusalMessage(c.get("t"), err);
}

/** What the carriers charge, for the preview's estimate. */
function prices(c: Ctx): CampaignPrices {
  const env = c.get("deps").config.env;
  return {
    perSegment: env.CAMPAIGN_COST_PER_SEGMENT,
    perMms: env.CAMPAIGN_COST_PER_MMS,
  };
}

/** Where the browser goes after a change: htmx follows a header. */
export function goTo(c: Ctx, url: string) {
  if (isHtmx(c)) {
    c.header("HX-Redirect", url);
    return c.body(null, 204);
  }
  return c.redirect(url, 303);
}

/** The form's fields as the service takes them. */
function messageInput(
  c: Ctx,
  form: z.infer<typeof messageForm>,
): CampaignMessageInput {
  const quietEnd = parseMinutes(form.quiet_from);
  const quietStart = parseMinutes(form.quiet_until);
  if (quietEnd === null || quietStart === null) {
    throw new Invalid("Not a time", "campaign.bad_quiet_hours");
  }
  let scheduledAt: number | null = null;
  if (form.scheduled_at.trim()) {
    scheduledAt = zonedTimeToUtc(form.scheduled_at, c.get("t").timeZone);
    if (scheduledAt === null) {
      throw new Invalid("Not a date and time", "campaign.bad_schedule");
    }
  }
  return {
    name: form.name,
    body: form.body,
    quietStart,
    quietEnd,
    scheduledAt,
  };
}

function recipientsOptions(q: z.infer<typeof recipientsQuery>) {
  return { status: q.status || undefined, page: q.page };
}

async function renderList(c: Ctx, error?: string, name?: string) {
  const { db } = c.get("deps");
  const user = currentUser(c);
  const [campaigns, numbers] = await Promise.all([
    listCampaigns(db.orm, user),
    campaignNumbers(db.orm, user),
  ]);
  return c.html(
    <CampaignsPage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={user}
      campaigns={campaigns}
      numbers={numbers}
      error={error}
      name={name}
    />,
    error ? 422 : 200,
  );
}

interface DraftState {
  report?: AudienceReport;
  message?: string;
  status?: 200 | 413 | 422;
  /** the text being written, when it differs from the saved one */
  body?: string;
  recipientId?: number;
  query?: z.infer<typeof recipientsQuery>;
}

/** What the audience section shows. */
async function audienceProps(
  c: Ctx,
  campaign: CampaignView,
  state: DraftState,
) {
  const { db, clock } = c.get("deps");
  const query = state.query ?? recipientsQuery.parse({});
  const [counts, tags, recipients] = await Promise.all([
    campaignCounts(db.orm, campaign.id, clock()),
    tagsOfInbox(db.orm, campaign.inboxId),
    listRecipients(db.orm, campaign.id, recipientsOptions(query)),
  ]);
  return {
    counts,
    tags,
    report: state.report,
    recipients: {
      ...recipients,
      page: query.page,
      status: query.status || undefined,
      editable: true,
    },
  };
}

/** A draft's page, with a note or refusal in its message line. */
export async function renderDraft(
  c: Ctx,
  campaign: CampaignView,
  state: DraftState = {},
) {
  const { db } = c.get("deps");
  const [audience, preview] = await Promise.all([
    audienceProps(c, campaign, state),
    previewCampaign(db.orm, campaign, {
      body: state.body ?? campaign.body,
      recipientId: state.recipientId,
    }, prices(c)),
  ]);
  return c.html(
    <CampaignDraftPage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={currentUser(c)}
      campaign={campaign}
      audience={audience}
      preview={preview}
      message={state.message}
    />,
    state.status ?? 200,
  );
}

/** The live part of a started campaign's page. */
async function progressProps(
  c: Ctx,
  campaign: CampaignView,
  query: z.infer<typeof recipientsQuery>,
) {
  const { db, clock } = c.get("deps");
  const [counts, recipients] = await Promise.all([
    campaignCounts(db.orm, campaign.id, clock()),
    listRecipients(db.orm, campaign.id, recipientsOptions(query)),
  ]);
  return {
    counts,
    recipients: {
      ...recipients,
      page: query.page,
      status: query.status || undefined,
    },
  };
}

async function renderProgress(c: Ctx, campaignId: number) {
  const { db } = c.get("deps");
  const campaign = await requireCampaign(db.orm, currentUser(c), campaignId);
  const query = recipientsQuery.parse(c.req.query());
  return c.html(
    <CampaignProgress
      t={c.get("t")}
      campaign={campaign}
      csrfToken={csrfToken(c)}
      {...await progressProps(c, campaign, query)}
    />,
  );
}

export const campaignRoutes = new Hono<AppEnv>();

campaignRoutes.get("/campaigns", (c) => renderList(c));

campaignRoutes.post("/campaigns", async (c) => {
  const form = createForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  try {
    const campaign = await createCampaign(db, clock, currentUser(c), {
      name: form.name,
      numberId: Number(form.number_id),
    });
    return goTo(c, `/campaigns/${campaign.id}`);
  } catch (err) {
    const msg = refusalText(c, err);
    if (isHtmx(c)) return c.text(msg, 422);
    return await renderList(c, msg, form.name);
  }
});

campaignRoutes.get("/campaigns/:id", async (c) => {
  const campaignId = param(c, "id");
  const { db } = c.get("deps");
  const user = currentUser(c);
  const query = recipientsQuery.parse(c.req.query());
  // read before the page's data: the stream replays whatever comes after
  const lastEventId = await latestEventId(db.orm);
  const campaign = await requireCampaign(db.orm, user, campaignId);
  if (campaign.status === "draft") {
    return await renderDraft(c, campaign, {
      query,
      message: query.saved ? c.get("t")("campaign.saved") : undefined,
    });
  }
  return c.html(
    <CampaignRunPage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={user}
      campaign={campaign}
      progress={await progressProps(c, campaign, query)}
      lastEventId={lastEventId}
    />,
  );
});

// save the draft's message (htmx: a note; plain: back to the page)
campaignRoutes.post("/campaigns/:id", async (c) => {
  const campaignId = param(c, "id");
  const form = messageForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  const user = currentUser(c);
  try {
    await saveDraft(db, clock, user, campaignId, messageInput(c, form));
  } catch (err) {
    const msg = refusalText(c, err);
    if (isHtmx(c)) return c.text(msg, 422);
    const campaign = await requireCampaign(db.orm, user, campaignId);
    return await renderDraft(c, campaign, {
      message: msg,
      status: 422,
      body: form.body,
    });
  }
  if (isHtmx(c)) return c.text(c.get("t")("campaign.saved"));
  if (form.then === "preview" && form.preview_recipient) {
    const campaign = await requireCampaign(db.orm, user, campaignId);
    return await renderDraft(c, campaign, {
      recipientId: Number(form.preview_recipient),
    });
  }
  return c.redirect(`/campaigns/${campaignId}?saved=1`, 303);
});

campaignRoutes.post("/campaigns/:id/start", async (c) => {
  const campaignId = param(c, "id");
  const form = messageForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  const user = currentUser(c);
  try {
    await startCampaign(db, clock, user, campaignId, messageInput(c, form));
  } catch (err) {
    const msg = refusalText(c, err);
    if (isHtmx(c)) return c.text(msg, 422);
    const campaign = await requireCampaign(db.orm, user, campaignId);
    if (campaign.status !== "draft") return goTo(c, `/campaigns/${campaignId}`);
    return await renderDraft(c, campaign, {
      message: msg,
      status: 422,
      body: form.body,
    });
  }
  return goTo(c, `/campaigns/${campaignId}`);
});

// delete a draft (the page asks first); a started campaign is refused
campaignRoutes.post("/campaigns/:id/delete", async (c) => {
  const campaignId = param(c, "id");
  const { db, clock } = c.get("deps");
  try {
    await deleteDraft(db, clock, currentUser(c), campaignId);
  } catch (err) {
    const msg = refusalText(c, err);
    if (isHtmx(c)) return c.text(msg, 422);
    return goTo(c, `/campaigns/${campaignId}`);
  }
  return goTo(c, "/campaigns");
});

/** The audience section again, telling the preview the audience changed. */
async function audienceAnswer(
  c: Ctx,
  campaignId: number,
  report?: AudienceReport,
) {
  const { db } = c.get("deps");
  const campaign = await requireCampaign(db.orm, currentUser(c), campaignId);
  if (!isHtmx(c)) return await renderDraft(c, campaign, { report });
  c.header("HX-Trigger", "audiencechanged");
  return c.html(
    <AudienceSection
      t={c.get("t")}
      campaignId={campaignId}
      csrfToken={csrfToken(c)}
      {...await audienceProps(c, campaign, { report })}
    />,
  );
}

/** A CSV field, quoted when it needs to be. */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

campaignRoutes.post("/campaigns/:id/audience", async (c) => {
  const campaignId = param(c, "id");
  const form = audienceForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  let source: AudienceSource;
  if (form.source === "tag") {
    source = { kind: "tag", tagId: Number(form.tag_id) };
  } else if (form.source === "favourites") {
    source = { kind: "favourites" };
  } else if (form.source === "hand") {
    source = {
      kind: "list",
      text: [form.number, form.name].filter(Boolean).map(csvField).join(","),
    };
  } else {
    const file = form.file instanceof File && form.file.size > 0
      ? form.file
      : null;
    if (file && file.size > MAX_LIST_BYTES) {
      throw new DomainError("List too large", 413, "error.too_large");
    }
    source = {
      kind: "list",
      text: [form.text, file ? await file.text() : ""].filter((s) => s.trim())
        .join("\n"),
    };
  }
  let report: AudienceReport;
  try {
    report = await addAudience(db, clock, currentUser(c), campaignId, source);
  } catch (err) {
    const msg = refusalText(c, err);
    if (isHtmx(c)) return c.text(msg, 422);
    const campaign = await requireCampaign(db.orm, currentUser(c), campaignId);
    return await renderDraft(c, campaign, { message: msg, status: 422 });
  }
  return await audienceAnswer(c, campaignId, report);
});

campaignRoutes.post(
  "/campaigns/:id/recipients/:recipientId/remove",
  async (c) => {
    const campaignId = param(c, "id");
    const recipientId = param(c, "recipientId");
    const { db, clock } = c.get("deps");
    try {
      await removeRecipient(db, clock, currentUser(c), campaignId, recipientId);
    } catch (err) {
      const msg = refusalText(c, err);
      if (isHtmx(c)) return c.text(msg, 422);
      return goTo(c, `/campaigns/${campaignId}`);
    }
    if (!isHtmx(c)) return goTo(c, `/campaigns/${campaignId}`);
    return await audienceAnswer(c, campaignId);
  },
);

for (
  const [action, run] of [
    ["pause", pauseCampaign],
    ["resume", resumeCampaign],
    ["cancel", cancelCampaign],
  ] as const
) {
  campaignRoutes.post(`/campaigns/:id/${action}`, async (c) => {
    const campaignId = param(c, "id");
    const { db, clock } = c.get("deps");
    try {
      await run(db, clock, currentUser(c), campaignId);
    } catch (err) {
      const msg = refusalText(c, err);
      if (isHtmx(c)) return c.text(msg, 422);
      return goTo(c, `/campaigns/${campaignId}`);
    }
    if (!isHtmx(c)) return goTo(c, `/campaigns/${campaignId}`);
    return await renderProgress(c, campaignId);
  });
}

// the live preview while the message is written
campaignRoutes.get("/campaigns/:id/preview", async (c) => {
  const campaignId = param(c, "id");
  const q = previewQuery.parse(c.req.query());
  const { db } = c.get("deps");
  const campaign = await requireCampaign(db.orm, currentUser(c), campaignId);
  const preview = await previewCampaign(db.orm, campaign, {
    body: q.body,
    recipientId: q.preview_recipient ? Number(q.preview_recipient) : undefined,
  }, prices(c));
  return c.html(
    <CampaignPreviewPanel
      t={c.get("t")}
      campaignId={campaignId}
      preview={preview}
    />,
  );
});

// the live part of a started campaign's page
campaignRoutes.get(
  "/campaigns/:id/progress",
  (c) => renderProgress(c, param(c, "id")),
);

// a page of recipients (filter and paging)
campaignRoutes.get("/campaigns/:id/recipients", async (c) => {
  const campaignId = param(c, "id");
  const { db } = c.get("deps");
  const campaign = await requireCampaign(db.orm, currentUser(c), campaignId);
  const query = recipientsQuery.parse(c.req.query());
  const recipients = await listRecipients(
    db.orm,
    campaignId,
    recipientsOptions(query),
  );
  return c.html(
    <RecipientTable
      t={c.get("t")}
      campaignId={campaignId}
      csrfToken={csrfToken(c)}
      {...recipients}
      page={query.page}
      status={query.status || undefined}
      editable={campaign.status === "draft"}
    />,
  );
});
