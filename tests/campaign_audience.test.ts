import assert from "node:assert/strict";
import {
  normalizeListNumber,
  parseAudienceList,
  parseCsv,
} from "../services/audience_csv.ts";
import { zoneOfAreaCode, zoneOfNumber } from "../carriers/area_code_zones.ts";

Deno.test("list numbers are normalised to E.164 and bad ones refused", () => {
  const cases: [string, string | null][] = [
    ["(212) 555-0147", "+12125550147"],
    ["212.555.0147", "+12125550147"],
    ["1 212 555 0147", "+12125550147"],
    ["+1 212-555-0147", "+12125550147"],
    ["tel:+34612345678", "+34612345678"],
    ["0034 612 345 678", "+34612345678"],
    ["+44 20 7946 0958", "+442079460958"],
    // a +1 number needs ten digits and an area code not starting 0 or 1
    ["+1 112 555 0147", null],
    ["+1 212 555 014", null],
    ["555-0147", null],
    ["not a number", null],
    ["+0123456789", null],
    ["", null],
  ];
  for (const [input, expected] of cases) {
    assert.equal(normalizeListNumber(input), expected, input);
  }
});

Deno.test("CSV fields may be quoted, hold delimiters, quotes and line breaks", () => {
  const records = parseCsv(
    'name,phone\r\n"Smith, John","(212) 555-0147"\n"Ana ""la jefa""\nLópez",2125550148\n\n',
  );
  assert.deepEqual(records.map((r) => r.cells), [
    ["name", "phone"],
    ["Smith, John", "(212) 555-0147"],
    ['Ana "la jefa"\nLópez', "2125550148"],
  ]);
  // a record's line is where it starts, counting the quoted line break
  assert.deepEqual(records.map((r) => r.line), [1, 2, 3]);
});

Deno.test("a list with a header finds its phone and name columns by name", () => {
  const list = parseAudienceList(
    "\uFEFFFirst_Name;Last Name;Mobile Number;Notes\n" +
      "Carmen;Ruiz;212 555 0101;vip\n" +
      "John;;+1 (646) 555-0102;\n",
  );
  assert.equal(list.hasHeader, true);
  assert.deepEqual(
    list.rows.map((r) => [r.line, r.e164, r.name, r.problem]),
    [
      [2, "+12125550101", "Carmen Ruiz", null],
      [3, "+16465550102", "John", null],
    ],
  );
});

Deno.test("a list without a header: the numbers' column, and text beside it as the name", () => {
  const list = parseAudienceList(
    "Carmen Ruiz,2125550101\nJohn Smith,646 555 0102\nNo Phone,\n",
  );
  assert.equal(list.hasHeader, false);
  assert.deepEqual(
    list.rows.map((r) => [r.e164, r.name, r.problem]),
    [
      ["+12125550101", "Carmen Ruiz", null],
      ["+16465550102", "John Smith", null],
      [null, "No Phone", "invalid"],
    ],
  );
});

Deno.test("pasted numbers, by line or by comma, each become a row; bad and repeated rows are reported", () => {
  const list = parseAudienceList(
    "2125550101, 2125550102\n+12125550101\nabc123\n(212) 555-0103\n12345\n",
  );
  assert.deepEqual(
    list.rows.map((r) => [r.line, r.raw, r.e164, r.problem]),
    [
      [1, "2125550101", "+12125550101", null],
      [1, "2125550102", "+12125550102", null],
      [2, "+12125550101", "+12125550101", "duplicate"],
      [3, "abc123", null, "invalid"],
      [4, "(212) 555-0103", "+12125550103", null],
      [5, "12345", null, "invalid"],
    ],
  );
});

Deno.test("a list longer than the limit is cut and says so", () => {
  const text = Array.from(
    { length: 12 },
    (_, i) => `+1212555${String(i).padStart(4, "0")}`,
  ).join("\n");
  const list = parseAudienceList(text, 10);
  assert.equal(list.rows.length, 10);
  assert.equal(list.truncated, true);
});

Deno.test("area codes map to the recipient's time zone", () => {
  assert.equal(zoneOfNumber("+12125550147"), "America/New_York");
  assert.equal(zoneOfNumber("+13125550147"), "America/Chicago");
  assert.equal(zoneOfNumber("+13035550147"), "America/Denver");
  assert.equal(zoneOfNumber("+16025550147"), "America/Phoenix");
  assert.equal(zoneOfNumber("+14155550147"), "America/Los_Angeles");
  assert.equal(zoneOfNumber("+19075550147"), "America/Anchorage");
  assert.equal(zoneOfNumber("+18085550147"), "Pacific/Honolulu");
  assert.equal(zoneOfNumber("+14165550147"), "America/Toronto");
  assert.equal(zoneOfNumber("+13065550147"), "America/Regina");
  // toll-free, the 555 fiction range and other countries are unknown
  assert.equal(zoneOfNumber("+18005550147"), undefined);
  assert.equal(zoneOfNumber("+15555550147"), undefined);
  assert.equal(zoneOfNumber("+34612345678"), undefined);
});

Deno.test("every area code is listed once, under a time zone this runtime knows", () => {
  const seen = new Map<string, string>();
  for (let code = 200; code < 1000; code++) {
    const zone = zoneOfAreaCode(String(code));
    if (!zone) continue;
    seen.set(String(code), zone);
    // throws on an unknown zone
    new Intl.DateTimeFormat("en", { timeZone: zone });
  }
  assert.ok(seen.size > 380, `only ${seen.size} area codes`);
  const source = Deno.readTextFileSync(
    new URL("../carriers/area_code_zones.ts", import.meta.url),
  );
  const body = source.slice(source.indexOf("const ZONES"));
  const listed = body.slice(0, body.indexOf("};")).replace(/\/\/.*$/gm, "")
    .match(/\b\d{3}\b/g)!;
  assert.equal(listed.length, new Set(listed).size, "a code listed twice");
});
