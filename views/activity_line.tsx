/**
 * One entry of the audit trail as a small line in the thread. Its sort key
 * puts it right after the message that was newest when it happened, so the
 * live upsert and the full render interleave it the same way.
 */
import type { T } from "../i18n/translate.ts";
import type { Activity } from "../services/activities.ts";

const pad = (n: number) => String(n).padStart(12, "0");

/** Sorts after message `afterMessageId` (whose key is its padded id). */
export function activitySeq(a: Pick<Activity, "afterMessageId" | "id">) {
  return `${pad(a.afterMessageId)}a${pad(a.id)}`;
}

/** The sentence for an activity, in the viewer's language. */
export function activityText(t: T, a: Activity): string {
  const actor = a.actorName ?? t("app.name");
  const d = a.detail;
  switch (a.kind) {
    case "assigned":
      return t("activity.assigned", { actor, name: d.assignee ?? "" });
    case "unassigned":
      return t("activity.unassigned", { actor });
    case "moved":
      return t("activity.moved", { actor, from: d.from ?? "", to: d.to ?? "" });
    case "tagged":
      return t("activity.tagged", { actor, tag: d.tag ?? "" });
    case "untagged":
      return t("activity.untagged", { actor, tag: d.tag ?? "" });
    case "closed":
      return t("activity.closed", { actor });
    case "reopened":
      return t(d.unspam ? "activity.reopened_unspam" : "activity.reopened", {
        actor,
      });
    case "spam":
      return t("activity.spam", { actor });
    case "opted_out":
      return t("activity.opted_out", {
        actor,
        contact: d.contact ?? "",
        number: d.number ?? "",
      });
    case "opted_in":
      return t("activity.opted_in", {
        actor,
        contact: d.contact ?? "",
        number: d.number ?? "",
      });
    case "contact_linked":
      return t("activity.contact_linked", { actor, contact: d.contact ?? "" });
    case "call":
      return t("activity.call", { actor, number: d.number ?? "" });
    case "meeting":
      return t("activity.meeting", { actor });
    case "survey_answered":
      return t(d.via === "sms" ? "activity.survey_sms" : "activity.survey", {
        rating: d.rating ?? 0,
      }) + (d.comment ? ` “${d.comment}”` : "");
  }
}

export function ActivityLine({ t, activity }: { t: T; activity: Activity }) {
  return (
    <li
      id={`act-${activity.id}`}
      class={`activity ${activity.kind}`}
      data-seq={activitySeq(activity)}
    >
      {activityText(t, activity)}
      {activity.kind === "meeting" && activity.detail.url && (
        <>
          {" · "}
          <a
            href={activity.detail.url}
            target="_blank"
            rel="noopener noreferrer"
          >
            {t("activity.meeting_join")}
          </a>
        </>
      )}
      {" · "}
      <time datetime={new Date(activity.createdAt).toISOString()}>
        {t.time(activity.createdAt)}
      </time>
    </li>
  );
}
