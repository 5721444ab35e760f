/**
 * A draft campaign: its audience, its message with the live preview, the
 * send button, and deleting the draft (a disclosure asks first, without
 * JavaScript too). Everything is a plain form; htmx updates in place.
 */
import type { T } from "../i18n/translate.ts";
import type { CampaignView } from "../services/campaigns.ts";
import type { CampaignPreview } from "../services/campaign_progress.ts";
import type { User } from "../services/users.ts";
import { AppPage } from "./app_page.tsx";
import {
  AudienceSection,
  type AudienceSectionProps,
} from "./campaign_audience.tsx";
import { CampaignHead } from "./campaign_head.tsx";
import { CampaignMessageForm } from "./campaign_message_form.tsx";
import { REFUSAL_TO_MESSAGE } from "./campaign_refusal.ts";
import type { AssetUrls } from "./layout.tsx";

export interface CampaignDraftPageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  campaign: CampaignView;
  audience: Omit<AudienceSectionProps, "t" | "campaignId" | "csrfToken">;
  preview: CampaignPreview;
  /** a refusal or "saved" */
  message?: string;
}

export function CampaignDraftPage(props: CampaignDraftPageProps) {
  const { t, campaign, csrfToken } = props;
  return (
    <AppPage
      t={t}
      assets={props.assets}
      csrfToken={csrfToken}
      user={props.user}
      title={campaign.name}
      current="campaigns"
    >
      <CampaignHead t={t} campaign={campaign} />
      <p id="campaign-msg" class="action-msg" role="alert">
        {props.message ?? ""}
      </p>
      <AudienceSection
        t={t}
        campaignId={campaign.id}
        csrfToken={csrfToken}
        {...props.audience}
      />
      <CampaignMessageForm
        t={t}
        campaign={campaign}
        csrfToken={csrfToken}
        preview={props.preview}
      />
      <details class="confirm campaign-delete">
        <summary>{t("campaign.delete")}</summary>
        <p>{t("campaign.delete_explain")}</p>
        <form
          class="action"
          method="post"
          action={`/campaigns/${campaign.id}/delete`}
          hx-post={`/campaigns/${campaign.id}/delete`}
          hx-disable="find button"
          {...REFUSAL_TO_MESSAGE}
        >
          <input type="hidden" name="_csrf" value={csrfToken} />
          <button type="submit" class="danger">
            {t("campaign.delete_confirm")}
          </button>
        </form>
      </details>
    </AppPage>
  );
}
