/**
 * A draft campaign: its audience, its message with the live preview, and
 * the send button. Everything is a plain form; htmx updates in place.
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
    </AppPage>
  );
}
