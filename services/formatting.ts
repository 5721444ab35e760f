/**
 * Message formatting (F23). A reply is stored once, in WhatsApp's own
 * markup (`*bold*`, `_italic_`, `~strike~`, ```` ```mono``` ````, `- ` and
 * `1. ` lists), and converted when it is sent: WhatsApp gets the markup,
 * SMS gets clean plain text with no stray markers. The thread renders the
 * same parse as elements, never as HTML.
 *
 * The rules follow WhatsApp's: a marker opens at the start of a line or
 * after a space or punctuation, the text inside does not start or end with
 * a space, and a marker closes before a space, punctuation or the end of
 * the line — so `snake_case`, `5 * 3` and URLs stay as typed.
 * https://faq.whatsapp.com/539178204879377
 *
 * @module
 */

export type Inline =
  | { type: "text"; text: string }
  | { type: "bold" | "italic" | "strike"; children: Inline[] }
  | { type: "code"; text: string; fence: "```" | "`" };

export type Block =
  | { type: "para"; lines: Inline[][] }
  | { type: "ul"; items: Inline[][] }
  | { type: "ol"; start: number; items: Inline[][] }
  | { type: "pre"; text: string };

const SPAN: Record<string, "bold" | "italic" | "strike"> = {
  "*": "bold",
  "_": "italic",
  "~": "strike",
};
const MARKER: Record<"bold" | "italic" | "strike", string> = {
  bold: "*",
  italic: "_",
  strike: "~",
};
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/u;
const BULLET = /^[*-] (.*)$/;
const NUMBERED = /^(\d{1,3})\. (.*)$/;
const FENCE = "```";

function push(out: Inline[], text: string) {
  if (!text) return;
  const last = out[out.length - 1];
  if (last?.type === "text") last.text += text;
  else out.push({ type: "text", text });
}

/** Where the span opened at `i` by `mark` closes, or -1. */
function closing(s: string, i: number, mark: string): number {
  for (let j = i + 2; j < s.length; j++) {
    if (s[j] !== mark) continue;
    const after = s[j + 1];
    if (SPACE.test(s[j - 1])) continue;
    if (after !== undefined && (WORD.test(after) || after === mark)) continue;
    return j;
  }
  return -1;
}

/** One line's inline spans. */
export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let i = 0;
  let text = "";
  while (i < s.length) {
    const ch = s[i];
    if (s.startsWith(FENCE, i)) {
      const end = s.indexOf(FENCE, i + 3);
      if (end > i + 3) {
        push(out, text);
        text = "";
        out.push({ type: "code", text: s.slice(i + 3, end), fence: FENCE });
        i = end + 3;
        continue;
      }
    } else if (ch === "`") {
      const end = s.indexOf("`", i + 1);
      if (end > i + 1) {
        push(out, text);
        text = "";
        out.push({ type: "code", text: s.slice(i + 1, end), fence: "`" });
        i = end + 1;
        continue;
      }
    } else if (SPAN[ch]) {
      const before = s[i - 1];
      const next = s[i + 1];
      const opens = (before === undefined || !WORD.test(before)) &&
        before !== ch && next !== undefined && !SPACE.test(next) &&
        next !== ch;
      const end = opens ? closing(s, i, ch) : -1;
      if (end > 0) {
        push(out, text);
        text = "";
        out.push({
          type: SPAN[ch],
          children: parseInline(s.slice(i + 1, end)),
        });
        i = end + 1;
        continue;
      }
    }
    text += ch;
    i++;
  }
  push(out, text);
  return out;
}

/** A body as blocks: paragraphs, lists and fenced monospace. */
export function parseMarkup(body: string): Block[] {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  const last = () => blocks[blocks.length - 1];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // a fence alone on its line opens a block that runs to the next fence
    if (line.trim() === FENCE) {
      const end = lines.findIndex((l, k) => k > i && l.trim() === FENCE);
      if (end > i) {
        blocks.push({ type: "pre", text: lines.slice(i + 1, end).join("\n") });
        i = end;
        continue;
      }
    }
    const bullet = BULLET.exec(line);
    const numbered = !bullet && NUMBERED.exec(line);
    if (bullet) {
      const b = last();
      const item = parseInline(bullet[1]);
      if (b?.type === "ul") b.items.push(item);
      else blocks.push({ type: "ul", items: [item] });
    } else if (numbered) {
      const b = last();
      const item = parseInline(numbered[2]);
      if (b?.type === "ol") b.items.push(item);
      else {blocks.push({
          type: "ol",
          start: Number(numbered[1]),
          items: [item],
        });}
    } else {
      const b = last();
      const parsed = parseInline(line);
      if (b?.type === "para") b.lines.push(parsed);
      else blocks.push({ type: "para", lines: [parsed] });
    }
  }
  return blocks;
}

/** True when the body uses any formatting (most do not). */
export function hasMarkup(body: string): boolean {
  return parseMarkup(body).some((b) =>
    b.type !== "para" ||
    b.lines.some((l) => l.some((x) => x.type !== "text"))
  );
}

function inlineText(parts: Inline[], keepMarkers: boolean): string {
  return parts.map((p) => {
    if (p.type === "text") return p.text;
    if (p.type === "code") {
      return keepMarkers ? p.fence + p.text + p.fence : p.text;
    }
    const inner = inlineText(p.children, keepMarkers);
    return keepMarkers ? MARKER[p.type] + inner + MARKER[p.type] : inner;
  }).join("");
}

function serialize(body: string, keepMarkers: boolean): string {
  return parseMarkup(body).map((b) => {
    switch (b.type) {
      case "para":
        return b.lines.map((l) => inlineText(l, keepMarkers)).join("\n");
      case "ul":
        return b.items.map((l) => `- ${inlineText(l, keepMarkers)}`).join(
          "\n",
        );
      case "ol":
        return b.items.map((l, k) =>
          `${b.start + k}. ${inlineText(l, keepMarkers)}`
        ).join("\n");
      case "pre":
        return keepMarkers ? `${FENCE}\n${b.text}\n${FENCE}` : b.text;
    }
  }).join("\n");
}

/**
 * The body as SMS carries it: formatting removed, text kept. Lists keep
 * GSM-7 markers ("- ", "1. ") so they cost no UCS-2 segments.
 */
export function toPlainText(body: string): string {
  return serialize(body, false);
}

/** The body in WhatsApp markup (bullets normalised to "- "). */
export function toWhatsApp(body: string): string {
  return serialize(body, true);
}

/** What a channel is sent: WhatsApp markup, or plain text on SMS. */
export function bodyForChannel(body: string, channel: "sms" | "whatsapp") {
  return channel === "whatsapp" ? toWhatsApp(body) : toPlainText(body);
}
