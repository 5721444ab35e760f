import assert from "node:assert/strict";
import { classifyKeyword } from "../carriers/opt_out.ts";

Deno.test("every standard opt-out, opt-in and help keyword is recognised", () => {
  for (
    const word of [
      "STOP",
      "STOPALL",
      "UNSUBSCRIBE",
      "CANCEL",
      "END",
      "QUIT",
      "REVOKE",
      "OPTOUT",
    ]
  ) {
    assert.equal(classifyKeyword(word), "stop", word);
  }
  for (const word of ["START", "UNSTOP", "YES"]) {
    assert.equal(classifyKeyword(word), "start", word);
  }
  for (const word of ["HELP", "INFO"]) {
    assert.equal(classifyKeyword(word), "help", word);
  }
});

Deno.test("keywords match in any case and with surrounding whitespace", () => {
  assert.equal(classifyKeyword("stop"), "stop");
  assert.equal(classifyKeyword("  Stop \n"), "stop");
  assert.equal(classifyKeyword("uNsUbScRiBe"), "stop");
  assert.equal(classifyKeyword("\tyes "), "start");
});

Deno.test("trailing punctuation is forgiven, leading punctuation is not", () => {
  assert.equal(classifyKeyword("Stop."), "stop");
  assert.equal(classifyKeyword("STOP!!"), "stop");
  assert.equal(classifyKeyword("help?"), "help");
  assert.equal(classifyKeyword("Stop . "), "stop");
  assert.equal(classifyKeyword("¿help?"), null);
  assert.equal(classifyKeyword("-stop"), null);
});

Deno.test("full-width letters from some keyboards still count", () => {
  assert.equal(classifyKeyword("ＳＴＯＰ"), "stop");
});

Deno.test("a keyword inside a longer message is not a keyword", () => {
  assert.equal(classifyKeyword("stop please"), null);
  assert.equal(classifyKeyword("please stop"), null);
  assert.equal(classifyKeyword("Can you stop by tomorrow?"), null);
  assert.equal(classifyKeyword("STOP ALL"), null);
  assert.equal(classifyKeyword("STOPP"), null);
  assert.equal(classifyKeyword("information"), null);
});

Deno.test("empty bodies and object property names are not keywords", () => {
  assert.equal(classifyKeyword(""), null);
  assert.equal(classifyKeyword("   "), null);
  assert.equal(classifyKeyword("..."), null);
  assert.equal(classifyKeyword("constructor"), null);
  assert.equal(classifyKeyword("__proto__"), null);
});
