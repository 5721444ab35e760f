/**
 * The header's team side, on the inbox and chat screens: the Chats link
 * with its unread badge, and the user's presence menu — their status and
 * message, the inbox's team with presence and queue, the switch for
 * browser notifications, and the way to queues and notification settings.
 * It also carries the unread total the tab title shows.
 */
import type { T } from "../i18n/translate.ts";
import type { UnreadTotals } from "../services/notifications.ts";
import type { Presence, Teammate } from "../services/presence.ts";
import { ChatsBadge } from "./chats_badge.tsx";
import { PresenceBadge } from "./presence_badge.tsx";
import { QueueBadge } from "./queue_badge.tsx";
import { StatusForm } from "./status_form.tsx";
import { UnreadMarker } from "./unread_marker.tsx";

export interface TeamBarProps {
  t: T;
  csrfToken: string;
  me: Presence;
  totals: UnreadTotals;
  /** where a plain status form returns to */
  back: string;
  /** the open inbox's members (shared inboxes) */
  team?: { inboxId: number; inboxName: string; members: Teammate[] };
  /** which link is the current page */
  current?: "chats";
}

export function TeamBar(props: TeamBarProps) {
  const { t, me, totals, team } = props;
  return (
    <>
      <a
        class="chats-link"
        href="/chats"
        aria-current={props.current === "chats" ? "page" : undefined}
      >
        {t("chats.title")} <ChatsBadge t={t} count={totals.chats} />
      </a>
      <details class="inbox-menu status-menu">
        <summary>
          {/* the name holds the badge's visible text too */}
          <span class="visually-hidden">{t("presence.menu")}:</span>{" "}
          <PresenceBadge t={t} person={me} compact />
        </summary>
        <div class="menu-body">
          <StatusForm
            t={t}
            csrfToken={props.csrfToken}
            me={me}
            idPrefix="bar-status"
            back={props.back}
          />
          {team && team.members.length > 0 && (
            <section class="team-list">
              <h2>{t("presence.team_in", { inbox: team.inboxName })}</h2>
              <ul>
                {team.members.map((m) => (
                  <li>
                    <span class="who">{m.name}</span>
                    <PresenceBadge t={t} person={m} />
                    <QueueBadge
                      t={t}
                      inboxId={team.inboxId}
                      userId={m.id}
                      active={m.queueActive}
                    />
                  </li>
                ))}
              </ul>
            </section>
          )}
          <button type="button" class="quiet" data-notify-enable hidden>
            {t("notify.enable")}
          </button>
          <a href="/me">{t("me.link")}</a>
        </div>
      </details>
      <UnreadMarker count={totals.conversations + totals.chats} />
    </>
  );
}
