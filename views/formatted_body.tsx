/**
 * A message body with its formatting (F23) as elements: bold, italic,
 * strike, monospace and lists. Every piece of text is a JSX child, so it is
 * escaped; no body, ours or a customer's, ever becomes markup.
 */
import type { Child } from "hono/jsx";
import {
  type Block,
  hasMarkup,
  type Inline,
  parseMarkup,
} from "../services/formatting.ts";

function inline(parts: Inline[]): Child[] {
  return parts.map((p) => {
    switch (p.type) {
      case "text":
        return p.text;
      case "code":
        return <code>{p.text}</code>;
      case "bold":
        return <strong>{inline(p.children)}</strong>;
      case "italic":
        return <em>{inline(p.children)}</em>;
      case "strike":
        return <s>{inline(p.children)}</s>;
    }
  });
}

function block(b: Block): Child {
  switch (b.type) {
    case "para":
      return (
        <p>
          {b.lines.map((l, i) => (
            <>
              {i > 0 && <br />}
              {inline(l)}
            </>
          ))}
        </p>
      );
    case "ul":
      return <ul>{b.items.map((item) => <li>{inline(item)}</li>)}</ul>;
    case "ol":
      return (
        <ol start={b.start === 1 ? undefined : b.start}>
          {b.items.map((item) => <li>{inline(item)}</li>)}
        </ol>
      );
    case "pre":
      return <pre>{b.text}</pre>;
  }
}

export function FormattedBody({ body }: { body: string }) {
  if (!body) return null;
  // most bodies are plain: the text itself, as before (white-space keeps lines)
  if (!hasMarkup(body)) return <span class="body">{body}</span>;
  return <div class="body rich">{parseMarkup(body).map(block)}</div>;
}
