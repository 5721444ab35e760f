import assert from "node:assert/strict";
import { countSegments, MAX_BODY } from "../carriers/segments.ts";

Deno.test("an empty body costs no segments", () => {
  assert.deepEqual(countSegments(""), {
    encoding: "GSM-7",
    segments: 0,
    characters: 0,
    perSegment: 160,
  });
});

Deno.test("GSM-7 fits 160 characters in one segment and 153 per segment after that", () => {
  assert.deepEqual(countSegments("a".repeat(160)), {
    encoding: "GSM-7",
    segments: 1,
    characters: 160,
    perSegment: 160,
  });
  assert.deepEqual(countSegments("a".repeat(161)), {
    encoding: "GSM-7",
    segments: 2,
    characters: 161,
    perSegment: 153,
  });
  assert.equal(countSegments("a".repeat(306)).segments, 2);
  assert.equal(countSegments("a".repeat(307)).segments, 3);
});

Deno.test("accented letters of the GSM alphabet stay GSM-7, others do not", () => {
  const body = "¡Hola! ¿Qué tal? Ñoño, Straße, à 5 €";
  const result = countSegments(body);
  assert.equal(result.encoding, "GSM-7");
  // "€" is in the extension table: two septets.
  assert.equal(result.characters, [...body].length + 1);
  // á, í, ó, ú are not in GSM-7: one of them makes a Spanish text UCS-2.
  assert.equal(countSegments("¿Dónde?").encoding, "UCS-2");
});

Deno.test("extension-table characters count twice", () => {
  for (const c of ["^", "{", "}", "\\", "[", "~", "]", "|", "€", "\f"]) {
    assert.equal(
      countSegments(c).characters,
      2,
      `${JSON.stringify(c)} should be two septets`,
    );
  }
  assert.equal(countSegments("€".repeat(80)).segments, 1);
  assert.equal(countSegments("€".repeat(81)).segments, 2);
});

Deno.test("an escape pair is never split across segments", () => {
  // 306 septets would be exactly two segments if the € could straddle them.
  const body = "a".repeat(152) + "€" + "a".repeat(152);
  assert.equal(countSegments(body).characters, 306);
  assert.equal(countSegments(body).segments, 3);
});

Deno.test("a character outside GSM-7 switches the whole message to UCS-2 (70/67)", () => {
  assert.deepEqual(countSegments("Привет"), {
    encoding: "UCS-2",
    segments: 1,
    characters: 6,
    perSegment: 70,
  });
  assert.equal(countSegments("a".repeat(70) + "ç").segments, 2); // lower-case ç is not in GSM-7
  assert.deepEqual(countSegments("你".repeat(70)), {
    encoding: "UCS-2",
    segments: 1,
    characters: 70,
    perSegment: 70,
  });
  assert.deepEqual(countSegments("你".repeat(71)), {
    encoding: "UCS-2",
    segments: 2,
    characters: 71,
    perSegment: 67,
  });
  assert.equal(countSegments("你".repeat(135)).segments, 3);
});

Deno.test("emoji count as two UTF-16 code units and are not split", () => {
  assert.deepEqual(countSegments("😀".repeat(35)), {
    encoding: "UCS-2",
    segments: 1,
    characters: 70,
    perSegment: 70,
  });
  assert.equal(countSegments("😀".repeat(36)).segments, 2);
  const body = "你".repeat(66) + "😀" + "你".repeat(66);
  assert.equal(countSegments(body).characters, 134);
  assert.equal(countSegments(body).segments, 3);
});

Deno.test("the longest accepted body is 1600 characters", () => {
  assert.equal(MAX_BODY, 1600);
  assert.equal(countSegments("a".repeat(MAX_BODY)).segments, 11);
});
