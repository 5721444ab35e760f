/**
 * A started campaign's page. It listens to the events stream (delivery
 * reports keep coming after the last send); a campaign signal there makes
 * the hidden signal element fetch the progress again (at most once a
 * second, whatever the campaign's pace).
 */
import { LiveStatus, LiveStream } from "./live_controls.tsx";
import type { T } from "../i18n/translate.ts";
import type { CampaignView } from "../services/campaigns.ts";
import type { User } from "../services/users.ts";
import { AppPage } from "./app_page.tsx";
import { CampaignHead } from "./campaign_head.tsx";
import { CampaignMediaThumb } from "./campaign_media.tsx";
import { campaignFile } from "../services/campaign_media.ts";
import {
  CampaignProgress,
  type CampaignProgressProps,
} from "./campaign_progress.tsx";
import type { AssetUrls } from "./layout.tsx";

export interface CampaignRunPageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  campaign: CampaignView;
  progress: Omit<CampaignProgressProps, "t" | "campaign" | "csrfToken">;
  /** the stream starts after this event id: nothing between is lost */
  lastEventId: number;
  message?: string;
}

export function CampaignRunPage(props: CampaignRunPageProps) {
  const { t, campaign: c, csrfToken } = props;
  return (
    <AppPage
      t={t}
      assets={props.assets}
      csrfToken={csrfToken}
      user={props.user}
      title={c.name}
      current="campaigns"
    >
      <CampaignHead t={t} campaign={c} />
      <SentMessage t={t} campaign={c} />
      <LiveStatus t={t} tag="p" />
      <LiveStream lastEventId={props.lastEventId} />
      <div
        id={`campaign-signal-${c.id}`}
        class="campaign-signal"
        hidden
        hx-get={`/campaigns/${c.id}/progress`}
        hx-trigger="campaignchanged throttle:1s"
        hx-include="#recipient-filter, #recipients-page"
        hx-target="#campaign-live"
        hx-swap="outerMorph"
      >
      </div>
      <p id="campaign-msg" class="action-msg" role="alert">
        {props.message ?? ""}
      </p>
      <CampaignProgress
        t={t}
        campaign={c}
        csrfToken={csrfToken}
        {...props.progress}
      />
    </AppPage>
  );
}

/** What every recipient gets: the text (placeholders unfilled) and file. */
function SentMessage({ t, campaign: c }: { t: T; campaign: CampaignView }) {
  const file = campaignFile(c);
  return (
    <details class="campaign-sent">
      <summary>{t("campaign.message")}</summary>
      <p class="campaign-sent-body">{c.body}</p>
      {file && <CampaignMediaThumb campaignId={c.id} file={file} />}
    </details>
  );
}
