/** What a conversation tool did (a call, a meeting, a survey), in place. */
import type { T } from "../i18n/translate.ts";

export function ToolResult(
  { text, link }: {
    t?: T;
    text: string;
    link?: { href: string; label: string };
  },
) {
  return (
    <span class="tool-result">
      {text}
      {link && (
        <>
          {" · "}
          <a href={link.href} target="_blank" rel="noopener noreferrer">
            {link.label}
          </a>
        </>
      )}
    </span>
  );
}
