/**
 * Formatting (F23): one stored body, sent as WhatsApp markup on WhatsApp
 * and as clean plain text on SMS, and rendered in the thread as elements —
 * never as HTML, whatever a body holds.
 */
import assert from "node:assert/strict";
import {
  bodyForChannel,
  hasMarkup,
  parseInline,
  toPlainText,
  toWhatsApp,
} from "../services/formatting.ts";
import { FormattedBody } from "../views/formatted_body.tsx";

const COMPOSED = [
  "*Order 1042* is _on its way_ ~tomorrow~ today.",
  "Tracking code: ```1Z 999 AA1```",
  "What is in the box:",
  "- 2 chairs",
  "- *1 table*",
  "Steps:",
  "1. Sign",
  "2. Keep the `receipt`",
].join("\n");

Deno.test("WhatsApp gets the stored markup as it was composed", () => {
  assert.equal(bodyForChannel(COMPOSED, "whatsapp"), COMPOSED);
});

Deno.test("SMS gets clean plain text: the words, no formatting markers", () => {
  const sms = bodyForChannel(COMPOSED, "sms");
  assert.equal(
    sms,
    [
      "Order 1042 is on its way tomorrow today.",
      "Tracking code: 1Z 999 AA1",
      "What is in the box:",
      "- 2 chairs",
      "- 1 table",
      "Steps:",
      "1. Sign",
      "2. Keep the receipt",
    ].join("\n"),
  );
  assert.doesNotMatch(sms, /[*_~`]/);
});

Deno.test("asterisks, underscores and tildes that are not formatting stay as typed", () => {
  for (
    const text of [
      "5 * 3 * 2 = 30",
      "my_file_name.pdf",
      "https://example.com/a_b_c?x=~1",
      "a*b*c",
      "price ~ 20 USD",
      "*not closed",
      "** spaced **",
    ]
  ) {
    assert.equal(toPlainText(text), text, text);
    assert.equal(toWhatsApp(text), text, text);
    assert.equal(hasMarkup(text), false, text);
  }
});

Deno.test("formatting nests and stops at punctuation like WhatsApp's", () => {
  assert.deepEqual(parseInline("(*hi _there_*)!"), [
    { type: "text", text: "(" },
    {
      type: "bold",
      children: [
        { type: "text", text: "hi " },
        { type: "italic", children: [{ type: "text", text: "there" }] },
      ],
    },
    { type: "text", text: ")!" },
  ]);
  assert.equal(toPlainText("*Hola*, _qué tal_?"), "Hola, qué tal?");
});

Deno.test("a fenced block keeps its lines as monospace and loses only its fences on SMS", () => {
  const body = "Config:\n```\nport = 8000\n*not bold*\n```\nDone";
  assert.equal(toPlainText(body), "Config:\nport = 8000\n*not bold*\nDone");
  assert.equal(toWhatsApp(body), body);
  const html = String(<FormattedBody body={body} />);
  assert.match(html, /<pre>port = 8000\n\*not bold\*<\/pre>/);
});

Deno.test("the thread renders formatting as elements", () => {
  const html = String(<FormattedBody body={COMPOSED} />);
  assert.match(html, /<strong>Order 1042<\/strong>/);
  assert.match(html, /<em>on its way<\/em>/);
  assert.match(html, /<s>tomorrow<\/s>/);
  assert.match(html, /<code>1Z 999 AA1<\/code>/);
  assert.match(
    html,
    /<ul><li>2 chairs<\/li><li><strong>1 table<\/strong><\/li><\/ul>/,
  );
  assert.match(
    html,
    /<ol ?><li>Sign<\/li><li>Keep the <code>receipt<\/code><\/li><\/ol>/,
  );
});

Deno.test("a plain body renders as its text alone", () => {
  const plain = "Hi Carmen!\nSee you";
  assert.equal(
    String(<FormattedBody body={plain} />),
    '<span class="body">Hi Carmen!\nSee you</span>',
  );
});

Deno.test("no body becomes HTML: script, markup and attributes inside formatting are text", () => {
  const attacks = [
    "<script>alert(1)</script>",
    '*<img src=x onerror="alert(1)">*',
    "_</em><script>alert(2)</script>_",
    "```<iframe src=javascript:alert(3)>```",
    '- <a href="javascript:alert(4)">x</a>',
    "1. &lt;b&gt; \" ' & <",
  ];
  for (const body of attacks) {
    const html = String(<FormattedBody body={body} />);
    assert.doesNotMatch(html, /<(script|img|iframe|a)\b/i, body);
    assert.doesNotMatch(html, /<\/em><script/i, body);
  }
  const html = String(<FormattedBody body={attacks[1]} />);
  assert.match(
    html,
    /<strong>&lt;img src=x onerror=(&quot;|")alert\(1\)(&quot;|")&gt;<\/strong>/,
  );
});
