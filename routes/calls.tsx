/**
 * POST /conversations/:id/call and /meeting (F27). Both record an activity
 * line; the call opens the dialer or softphone, the meeting sends the
 * customer a link. With htmx the page stays and the script opens the URL
 * (HX-Trigger "bandeja:open"); without it, a 303 goes there.
 */
import { Hono } from "hono";
import { startCall, startMeeting } from "../services/calls.ts";
import { NotFound } from "../services/errors.ts";
import { ToolResult } from "../views/tool_result.tsx";
import { type AppEnv, currentUser, idParam, isHtmx } from "./context.ts";

export const callRoutes = new Hono<AppEnv>();

const openHeader = (url: string) => ({
  "HX-Trigger": JSON.stringify({ "bandeja:open": { url } }),
});

callRoutes.post("/conversations/:id/call", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const { db, clock, config } = c.get("deps");
  const t = c.get("t");
  const { url } = await startCall(db, clock, currentUser(c), {
    conversationId: id,
    template: config.callUrlTemplate,
  });
  if (!isHtmx(c)) return c.redirect(url, 303);
  return c.html(
    <ToolResult
      text={t("tools.call_logged")}
      link={{ href: url, label: t("tools.call_again") }}
    />,
    200,
    openHeader(url),
  );
});

callRoutes.post("/conversations/:id/meeting", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const { db, clock, config } = c.get("deps");
  const t = c.get("t");
  const { url } = await startMeeting(db, clock, currentUser(c), {
    conversationId: id,
    template: config.meetingUrlTemplate,
    text: (link) => t("meeting.message", { url: link }),
  });
  if (!isHtmx(c)) return c.redirect(url, 303);
  return c.html(
    <ToolResult
      text={t("tools.meeting_sent")}
      link={{ href: url, label: t("activity.meeting_join") }}
    />,
    200,
    openHeader(url),
  );
});
