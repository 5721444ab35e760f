/**
 * The reactions on a message (F21) and, under a customer's message, the
 * picker to add one. A plain form of emoji buttons: it works without
 * JavaScript; htmx swaps the bubble in place. The picker says where the
 * reaction goes: to the customer on WhatsApp, only to the team on SMS
 * (the thread's channel shows the right sentence; see app.css).
 */
import type { T } from "../i18n/translate.ts";
import type { ThreadMessage } from "../services/conversations.ts";
import { QUICK_REACTIONS } from "../services/reactions.ts";

/**
 * The emoji choices under a customer's message; the same for every message,
 * so a live update leaves it out and static/app.js copies it from the
 * thread's `<template id="react-picker">` (ThreadView).
 */
export function ReactPicker({ t }: { t: T }) {
  return (
    <details class="react-picker">
      <summary aria-label={t("reaction.add")} title={t("reaction.add")}>
        <span aria-hidden="true">☺+</span>
      </summary>
      <span class="choices">
        {QUICK_REACTIONS.map((e) => (
          <button type="submit" name="emoji" value={e} class="quiet">
            {e}
          </button>
        ))}
      </span>
      <small class="react-note whatsapp">{t("reaction.note_whatsapp")}</small>
      <small class="react-note sms">{t("reaction.note_sms")}</small>
    </details>
  );
}

export function ReactionBar(
  { t, msg, error, live }: {
    t: T;
    msg: ThreadMessage;
    error?: string;
    /**
     * on the live stream, which only a page with JavaScript reads: the
     * picker is left out (static/app.js adds it and, when there are no
     * chips, the form around it), and so is the no-JS form action
     */
    live?: boolean;
  },
) {
  const list = msg.reactions ?? [];
  const canReact = msg.direction === "in";
  if (list.length === 0 && !canReact && !error) return null;
  const action = `/messages/${msg.id}/reactions`;
  const who = (r: (typeof list)[number]) =>
    [...r.names, ...(r.customer ? [t("reaction.customer")] : [])].join(", ");
  const chips = list.map((r) =>
    canReact
      ? (
        <button
          type="submit"
          name="emoji"
          value={r.emoji}
          class="reaction"
          title={who(r)}
          aria-label={t("reaction.chip", { emoji: r.emoji, who: who(r) })}
        >
          {r.emoji} <span class="n">{String(r.count)}</span>
        </button>
      )
      : (
        <span
          class="reaction"
          title={who(r)}
          aria-label={t("reaction.chip", { emoji: r.emoji, who: who(r) })}
        >
          {r.emoji} <span class="n">{String(r.count)}</span>
        </span>
      )
  );
  const problem = error && <small class="error" role="alert">{error}</small>;
  if (!canReact) return <div class="reactions">{chips}{problem}</div>;
  // live, with nothing of its own: the page adds the form (static/app.js)
  if (live && list.length === 0 && !problem) return null;
  return (
    <form
      class="reactions"
      method={live ? undefined : "post"}
      action={live ? undefined : action}
      hx-post={action}
      hx-target="closest .msg"
      hx-swap="outerHTML"
    >
      {chips}
      {!live && <ReactPicker t={t} />}
      {problem}
    </form>
  );
}
