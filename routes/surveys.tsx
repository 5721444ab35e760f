/**
 * Surveys (F25): sending one from a conversation, the customer's public
 * page (no login, no script; CSRF-safe by the Origin check every POST
 * passes, the link's token being the only key), and the report page.
 */
import { Hono } from "hono";
import { z } from "zod";
import { NotFound } from "../services/errors.ts";
import {
  answerSurvey,
  publicSurvey,
  sendSurvey,
  surveyReport,
} from "../services/surveys.ts";
import { SurveyPage } from "../views/survey_page.tsx";
import { SurveyReportPage } from "../views/survey_report_page.tsx";
import { ToolResult } from "../views/tool_result.tsx";
import {
  type AppEnv,
  csrfToken,
  currentUser,
  idParam,
  isHtmx,
} from "./context.ts";

const answerForm = z.object({
  rating: z.string().regex(/^[1-5]$/).transform(Number).optional(),
  comment: z.string().max(2000).default(""),
});
const reportQuery = z.object({
  inbox: z.string().regex(/^(|[1-9]\d{0,15})$/).optional(),
});

export const surveyRoutes = new Hono<AppEnv>();

surveyRoutes.post("/conversations/:id/survey", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const { db, clock, config } = c.get("deps");
  const t = c.get("t");
  await sendSurvey(db, clock, currentUser(c), {
    conversationId: id,
    publicUrl: config.publicUrl,
    text: (url) => t("survey.message", { url }),
  });
  if (!isHtmx(c)) return c.redirect(`/conversations/${id}`, 303);
  return c.html(<ToolResult text={t("tools.survey_sent")} />);
});

surveyRoutes.get("/s/:token", async (c) => {
  const { db, clock } = c.get("deps");
  const token = c.req.param("token");
  const survey = await publicSurvey(db.orm, token, clock());
  return c.html(
    <SurveyPage
      t={c.get("t")}
      css={c.get("assets").survey}
      token={token}
      survey={survey}
      csrfToken={csrfToken(c)}
    />,
    survey.state === "missing" ? 404 : 200,
    { "cache-control": "no-store", "referrer-policy": "no-referrer" },
  );
});

surveyRoutes.post("/s/:token", async (c) => {
  const { db, clock } = c.get("deps");
  const t = c.get("t");
  const token = c.req.param("token");
  const form = answerForm.parse(await c.req.parseBody());
  const page = (
    survey: Awaited<ReturnType<typeof publicSurvey>>,
    error?: string,
  ) => (
    <SurveyPage
      t={t}
      css={c.get("assets").survey}
      token={token}
      survey={survey}
      error={error}
      csrfToken={csrfToken(c)}
    />
  );
  if (form.rating === undefined) {
    const survey = await publicSurvey(db.orm, token, clock());
    if (survey.state === "missing") throw new NotFound();
    return c.html(page(survey, t("survey.pick")), 422);
  }
  const survey = await answerSurvey(db, clock, token, {
    rating: form.rating,
    comment: form.comment,
  });
  const status = survey.accepted ? 200 : survey.state === "expired" ? 410 : 409;
  return c.html(page(survey), status, { "cache-control": "no-store" });
});

surveyRoutes.get("/reports/surveys", async (c) => {
  const { db } = c.get("deps");
  const user = currentUser(c);
  const { inbox } = reportQuery.parse(c.req.query());
  const report = await surveyReport(db.orm, user, inbox ? Number(inbox) : null);
  return c.html(
    <SurveyReportPage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={user}
      report={report}
    />,
  );
});
