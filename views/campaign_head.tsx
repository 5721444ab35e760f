/** The top of a campaign's pages: the way back, its number and its status. */
import type { T } from "../i18n/translate.ts";
import type { CampaignView } from "../services/campaigns.ts";

/** A started campaign's status shows in its live progress instead. */
export function CampaignHead(
  { t, campaign }: { t: T; campaign: CampaignView },
) {
  return (
    <>
      <p class="page-tools">
        <a href="/campaigns">{t("campaign.back")}</a>
        {campaign.status === "draft" && (
          <span class="badge campaign-draft">
            {t("campaign.status.draft")}
          </span>
        )}
      </p>
      <p class="hint">
        {t("campaign.from", {
          number: campaign.numberLabel
            ? `${campaign.numberLabel} ${campaign.numberE164}`
            : campaign.numberE164,
          inbox: campaign.inboxName,
        })}
      </p>
      {!campaign.numberUsable &&
        campaign.status !== "done" && campaign.status !== "cancelled" && (
        <p class="alert" role="alert">{t("campaign.number_unusable")}</p>
      )}
    </>
  );
}
