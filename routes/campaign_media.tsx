/**
 * A draft campaign's file (F4 with F22): POST /campaigns/:id/media uploads
 * it (multipart; checked like the composer's attachments), POST
 * /campaigns/:id/media/remove takes it off, and GET /campaigns/:id/media
 * serves it to the members of the campaign's inbox (the preview shows it).
 * Carriers fetch it through each message's own signed attachment link.
 */
import { Hono } from "hono";
import {
  attachCampaignMedia,
  campaignFile,
  removeCampaignMedia,
  requireCampaignMedia,
} from "../services/campaign_media.ts";
import { requireCampaign } from "../services/campaigns.ts";
import { NotFound } from "../services/errors.ts";
import { MediaRefused } from "../services/media_limits.ts";
import type { Campaign } from "../services/campaigns.ts";
import { CampaignMediaField } from "../views/campaign_media.tsx";
import { goTo, param, refusalText, renderDraft } from "./campaigns.tsx";
import { type AppEnv, type Ctx, currentUser, isHtmx } from "./context.ts";
import { fileResponse } from "./media.ts";

export const campaignMediaRoutes = new Hono<AppEnv>();

/** The field again (htmx), telling the preview to ask again; or the page. */
function answer(c: Ctx, campaign: Campaign) {
  if (!isHtmx(c)) return goTo(c, `/campaigns/${campaign.id}`);
  c.header("HX-Trigger", "mediachanged");
  return c.html(
    <CampaignMediaField
      t={c.get("t")}
      campaignId={campaign.id}
      file={campaignFile(campaign)}
    />,
  );
}

/** A refusal: its text (htmx) or the draft's page with it. */
async function refuse(c: Ctx, campaignId: number, err: unknown) {
  const msg = refusalText(c, err);
  // a file over the number's limit is too large for this request: 413,
  // as the body limit in front of the route answers a larger one
  const status = err instanceof MediaRefused &&
      err.problem.key === "upload.too_large"
    ? 413
    : 422;
  if (isHtmx(c)) return c.text(msg, status);
  const { db } = c.get("deps");
  const campaign = await requireCampaign(db.orm, currentUser(c), campaignId);
  if (campaign.status !== "draft") return goTo(c, `/campaigns/${campaignId}`);
  return await renderDraft(c, campaign, { message: msg, status });
}

/** Makes a change to the draft's file and answers with the field again. */
async function changeMedia(
  c: Ctx,
  change: (campaignId: number) => Promise<Campaign>,
) {
  const campaignId = param(c, "id");
  let campaign: Campaign;
  try {
    campaign = await change(campaignId);
  } catch (err) {
    return await refuse(c, campaignId, err);
  }
  return answer(c, campaign);
}

campaignMediaRoutes.post(
  "/campaigns/:id/media",
  (c) =>
    changeMedia(c, async (campaignId) => {
      const { db, clock, media, mediaUrlSecret } = c.get("deps");
      const { file } = await c.req.parseBody();
      return await attachCampaignMedia(
        { db, clock, media, secret: mediaUrlSecret },
        currentUser(c),
        campaignId,
        file instanceof File && file.size > 0
          ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }
          : null,
      );
    }),
);

campaignMediaRoutes.post(
  "/campaigns/:id/media/remove",
  (c) =>
    changeMedia(c, (campaignId) => {
      const { db, clock } = c.get("deps");
      return removeCampaignMedia(db, clock, currentUser(c), campaignId);
    }),
);

campaignMediaRoutes.get("/campaigns/:id/media", async (c) => {
  const campaignId = param(c, "id");
  const { db, media } = c.get("deps");
  const file = await requireCampaignMedia(db.orm, currentUser(c), campaignId);
  const bytes = await media.get(file.storageKey);
  if (!bytes) throw new NotFound();
  return fileResponse(c, bytes, file.contentType, "private, max-age=86400");
});
