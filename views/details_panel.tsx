/**
 * Conversation details (F28) in the side panel, with the actions that need
 * a choice: assign to someone, tags, move to another inbox.
 */
import type { T } from "../i18n/translate.ts";
import type { ConversationSummary } from "../services/conversations.ts";
import type { ThreadDetails } from "../services/thread_details.ts";
import { ActionForm } from "./action_form.tsx";
import { contactLabel } from "./conversation_row.tsx";
import { PanelClose } from "./panel_close.tsx";
import { TagChip } from "./tag_chip.tsx";
import { TagColorPicker } from "./tag_color_picker.tsx";

export interface DetailsPanelProps {
  t: T;
  conv: ConversationSummary;
  details: ThreadDetails;
  csrfToken: string;
  now: number;
}

/** "3 d 4 h", "2 h 5 min", "7 min". */
export function formatDuration(t: T, ms: number): string {
  const min = Math.max(0, Math.floor(ms / 60_000));
  const d = Math.floor(min / 1440), h = Math.floor(min / 60) % 24, m = min % 60;
  if (d > 0) return t("duration.days", { d, h });
  if (h > 0) return t("duration.hours", { h, m });
  return t("duration.minutes", { m });
}

export function DetailsPanel(
  { t, conv: c, details: d, csrfToken, now }: DetailsPanelProps,
) {
  const base = `/conversations/${c.id}`;
  const errorTarget = `#panel-msg-${c.id}`;
  const onIds = new Set(d.tags.map((x) => x.id));
  const addable = d.inboxTags.filter((x) => !onIds.has(x.id));
  const status = d.spam
    ? t("thread.spam")
    : t(d.status === "open" ? "thread.open" : "thread.closed");
  return (
    <section
      id={`panel-details-${c.id}`}
      class="panel"
      aria-labelledby={`panel-details-title-${c.id}`}
    >
      <header class="panel-head">
        <h3 id={`panel-details-title-${c.id}`}>{t("panel.details")}</h3>
        <PanelClose t={t} conversationId={c.id} />
      </header>
      <dl class="facts">
        <dt>{t("details.contact")}</dt>
        <dd>
          {contactLabel(c)}
          {c.contactName ? ` · ${c.contactE164}` : ` (${t("contact.unknown")})`}
        </dd>
        <dt>{t("details.channel")}</dt>
        <dd>
          {t(c.channel === "whatsapp" ? "channel.whatsapp" : "channel.sms")}
          {" · "}
          {c.numberE164}
        </dd>
        <dt>{t("details.inbox")}</dt>
        <dd>{d.inbox.name}</dd>
        <dt>{t("details.assignee")}</dt>
        <dd>{c.assigneeName ?? t("details.unassigned")}</dd>
        <dt>{t("details.status")}</dt>
        <dd>{status}</dd>
        <dt>{t("details.opened")}</dt>
        <dd>
          <time datetime={new Date(d.openedAt).toISOString()}>
            {t.dateTime(d.openedAt)}
          </time>
        </dd>
        <dt>{t("details.duration")}</dt>
        <dd>
          {d.closedAt !== null && d.status === "closed"
            ? formatDuration(t, d.closedAt - d.openedAt)
            : t("details.so_far", {
              duration: formatDuration(t, now - d.openedAt),
            })}
        </dd>
        <dt>{t("details.messages")}</dt>
        <dd>
          {t("details.counts", {
            inbound: d.counts.inbound,
            outbound: d.counts.outbound,
          })}
        </dd>
      </dl>

      <section class="panel-section">
        <h4>{t("details.assignment")}</h4>
        {d.inbox.assignmentMode
          ? (
            <ActionForm
              action={`${base}/assign`}
              csrfToken={csrfToken}
              errorTarget={errorTarget}
              class="action row"
            >
              <label for={`assignee-${c.id}`} class="visually-hidden">
                {t("details.assign_to")}
              </label>
              <select id={`assignee-${c.id}`} name="assignee">
                <option value="none" selected={d.assigneeId === null}>
                  {t("details.unassigned")}
                </option>
                {d.members.map((m) => (
                  <option value={String(m.id)} selected={m.id === d.assigneeId}>
                    {m.name}
                  </option>
                ))}
              </select>
              <button type="submit">{t("action.assign")}</button>
            </ActionForm>
          )
          : <p class="hint">{t("assignment.off")}</p>}
      </section>

      <section class="panel-section">
        <h4>{t("tags.title")}</h4>
        {d.tags.length === 0 && <p class="hint">{t("tags.none")}</p>}
        <ul class="tag-list">
          {d.tags.map((tag) => (
            <li>
              <TagChip tag={tag} />
              <ActionForm
                action={`${base}/tags/${tag.id}/remove`}
                csrfToken={csrfToken}
                errorTarget={errorTarget}
              >
                <button type="submit" class="quiet">
                  <span aria-hidden="true">×</span>
                  <span class="visually-hidden">
                    {t("tags.remove", { tag: tag.name })}
                  </span>
                </button>
              </ActionForm>
            </li>
          ))}
        </ul>
        {addable.length > 0 && (
          <ActionForm
            action={`${base}/tags`}
            csrfToken={csrfToken}
            errorTarget={errorTarget}
            class="action row"
          >
            <label for={`add-tag-${c.id}`} class="visually-hidden">
              {t("tags.add")}
            </label>
            <select id={`add-tag-${c.id}`} name="tag_id">
              {addable.map((tag) => (
                <option value={String(tag.id)}>{tag.name}</option>
              ))}
            </select>
            <button type="submit">{t("tags.add")}</button>
          </ActionForm>
        )}
        <details class="new-tag">
          <summary>{t("tags.new")}</summary>
          <ActionForm
            action={`${base}/tags/new`}
            csrfToken={csrfToken}
            errorTarget={errorTarget}
            class="action stack"
          >
            <label for={`new-tag-${c.id}`}>{t("tags.name")}</label>
            <input
              id={`new-tag-${c.id}`}
              name="name"
              required
              maxlength={40}
              autocomplete="off"
            />
            <TagColorPicker t={t} idPrefix={`new-tag-color-${c.id}`} />
            <button type="submit">{t("tags.create_add")}</button>
          </ActionForm>
        </details>
      </section>

      <section class="panel-section">
        <h4>{t("move.title")}</h4>
        {!d.inbox.allowMove
          ? <p class="hint">{t("move.off")}</p>
          : d.moveTargets.length === 0
          ? <p class="hint">{t("move.no_targets")}</p>
          : (
            <ActionForm
              action={`${base}/move`}
              csrfToken={csrfToken}
              errorTarget={errorTarget}
              confirm={t("move.confirm")}
              class="action row"
            >
              <label for={`move-${c.id}`} class="visually-hidden">
                {t("move.to")}
              </label>
              <select id={`move-${c.id}`} name="inbox_id">
                {d.moveTargets.map((i) => (
                  <option value={String(i.id)}>{i.name}</option>
                ))}
              </select>
              <button type="submit">{t("move.submit")}</button>
            </ActionForm>
          )}
      </section>
      <p id={`panel-msg-${c.id}`} class="action-msg" role="alert"></p>
    </section>
  );
}
