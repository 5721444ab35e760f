/**
 * The customer's survey page (F25): public, tiny, no script. One form —
 * a rating 1–5 and an optional comment — or what became of the link.
 */
import { raw } from "hono/html";
import type { T } from "../i18n/translate.ts";
import type { PublicSurvey } from "../services/surveys.ts";

export interface SurveyPageProps {
  t: T;
  /** the small stylesheet of public pages */
  css: string;
  token: string;
  survey: PublicSurvey;
  /** a logged-in visitor's CSRF token (an agent trying the link) */
  csrfToken?: string;
  /** a rule the last submission broke (no rating picked) */
  error?: string;
}

const LABELS = [
  "survey.r1",
  "survey.r2",
  "survey.r3",
  "survey.r4",
  "survey.r5",
] as const;

export function SurveyPage(
  { t, css, token, survey, error, csrfToken }: SurveyPageProps,
) {
  let content;
  if (survey.state === "open") {
    content = (
      <form method="post" action={`/s/${token}`}>
        {csrfToken && <input type="hidden" name="_csrf" value={csrfToken} />}
        <fieldset>
          <legend>
            {t("survey.question", { business: survey.business })}
          </legend>
          <div class="stars">
            {[5, 4, 3, 2, 1].map((n) => (
              <>
                <input
                  type="radio"
                  name="rating"
                  id={`r${n}`}
                  value={String(n)}
                  required
                />
                <label for={`r${n}`} title={t(LABELS[n - 1])}>
                  <span aria-hidden="true">★</span>
                  <span class="visually-hidden">
                    {`${n} · ${t(LABELS[n - 1])}`}
                  </span>
                </label>
              </>
            ))}
          </div>
        </fieldset>
        {error && <p class="error" role="alert">{error}</p>}
        <label for="comment">{t("survey.comment")}</label>
        <textarea id="comment" name="comment" rows={3} maxlength={1000}>
        </textarea>
        <button type="submit">{t("survey.submit")}</button>
      </form>
    );
  } else if (survey.state === "answered") {
    content = (
      <p role="status">
        {survey.accepted === false
          ? t("survey.already")
          : t("survey.thanks", { business: survey.business })}
      </p>
    );
  } else if (survey.state === "expired") {
    content = <p role="status">{t("survey.expired")}</p>;
  } else {
    content = <p role="status">{t("survey.missing")}</p>;
  }
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={t.locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title>{t("survey.title")}</title>
          <link rel="stylesheet" href={css} />
        </head>
        <body>
          <main class="survey">
            <h1>{t("survey.title")}</h1>
            {content}
          </main>
        </body>
      </html>
    </>
  );
}
