/** The HTML shell of every full page. */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { T } from "../i18n/translate.ts";

export interface AssetUrls {
  css: string;
  js: string;
  htmx: string;
  sse: string;
  upsert: string;
  segments: string;
  /** the public survey page's own small stylesheet */
  survey: string;
  /** the app's icon (SVG) */
  icon: string;
  /** the web app manifest; it names the icon by its hashed URL */
  manifest: string;
}

export interface LayoutProps {
  t: T;
  title: string;
  assets: AssetUrls;
  csrfToken?: string;
  children?: Child;
}

// htmx config: no inline indicator CSS (the CSP allows our stylesheet only);
// errors swap in htmx 4, which our forms use on purpose (422 re-renders).
const HTMX_CONFIG = JSON.stringify({ includeIndicatorCSS: false });

export function Layout({ t, title, assets, csrfToken, children }: LayoutProps) {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={t.locale}>
        <head>
          <meta charset="utf-8" />
          {/* an on-screen keyboard resizes the page: composer stays above */}
          <meta
            name="viewport"
            content="width=device-width, initial-scale=1, interactive-widget=resizes-content"
          />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <title>{title}</title>
          <meta name="theme-color" content="#0b63ce" />
          <link rel="manifest" href={assets.manifest} />
          <link rel="icon" href={assets.icon} type="image/svg+xml" />
          <link rel="stylesheet" href={assets.css} />
          <script src={assets.htmx} defer></script>
          <script src={assets.sse} defer></script>
          <script src={assets.upsert} defer></script>
          <script src={assets.js} defer></script>
          <script type="module" src={assets.segments}></script>
        </head>
        <body
          hx-headers:inherited={csrfToken
            ? JSON.stringify({ "X-CSRF-Token": csrfToken })
            : undefined}
        >
          {children}
        </body>
      </html>
    </>
  );
}
