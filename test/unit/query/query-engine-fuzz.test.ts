import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { SecurityError } from "../../../lib/support/security-error.js";
import { parseQueryApiKeysRequest } from "../../../lib/query/parse-query-request.js";
import { MAX_DATE_MATH_OPERATIONS } from "../../../lib/query/date-math.js";
import { MAX_PATTERN_LENGTH, MAX_PATTERN_WILDCARDS, wildcardMatches } from "../../../lib/query/wildcard-to-regex.js";

/** Event-loop time one request may take to parse and translate, whatever it holds. */
const BOUND_MS = 100;
const NOW = Date.UTC(2024, 5, 15, 12, 30, 45, 123);

let slowest = { ms: 0, input: "" };

/**
 * Parses and translates `body` as the API does before any database work, and returns how long that
 * held the event loop. A 400 is a fine answer; anything else (a RangeError, a TypeError) is a bug.
 */
function timeRequest(body: unknown): number {
  // The better of two runs: a cost that grows with the input shows in both, a pause of a busy
  // machine or of the garbage collector rarely does.
  let ms = Infinity;
  for (let run = 0; run < 2; run++) {
    const started = performance.now();
    try {
      parseQueryApiKeysRequest(body, {}, NOW);
    } catch (error) {
      if (!(error instanceof SecurityError) || error.status !== 400) throw error;
    }
    ms = Math.min(ms, performance.now() - started);
  }
  if (ms > slowest.ms) slowest = { ms, input: JSON.stringify(body).slice(0, 200) };
  return ms;
}

function assertBounded(body: unknown): void {
  const ms = timeRequest(body);
  assert.ok(ms < BOUND_MS, `${ms.toFixed(1)} ms for ${JSON.stringify(body).slice(0, 300)}`);
}

const letters = fc.constantFrom("y", "yy", "yyyy", "u", "M", "MM", "d", "dd", "H", "HH", "m", "mm", "s", "ss", "S", "SSS", "X", "XXX", "Z");
const literals = fc.constantFrom("-", "/", ":", " ", ".", "T", "'T'", "''", ",");
/** Custom formats (always with a year), adjacent numeric fields included. */
const formatArb = fc
  .array(fc.oneof({ weight: 3, arbitrary: letters }, { weight: 1, arbitrary: literals }), { minLength: 1, maxLength: 40 })
  .map((parts) => `y${parts.join("")}`.slice(0, 256));
/** Date texts that come close to matching: digit runs, separators, offsets. */
const dateTextArb = fc
  .array(fc.oneof(fc.stringMatching(/^[0-9]{1,12}$/), fc.constantFrom("-", "/", ":", " ", ".", "T", "Z", "+01:00", "x")), { maxLength: 40 })
  .map((parts) => parts.join(""));
const unitArb = fc.constantFrom("y", "M", "w", "d", "h", "H", "m", "s");
const mathOpArb = fc.oneof(
  fc.tuple(fc.constantFrom("+", "-"), fc.nat({ max: 1000 }), unitArb).map(([op, n, unit]) => `${op}${n}${unit}`),
  unitArb.map((unit) => `/${unit}`),
);
const mathArb = fc
  .tuple(fc.constantFrom("now", "2024-01-31||", "2024-02||"), fc.array(mathOpArb, { maxLength: MAX_DATE_MATH_OPERATIONS }))
  .map(([anchor, ops]) => anchor + ops.join(""));
const zoneArb = fc.constantFrom(
  undefined,
  "Z",
  "+05:30",
  "-08:00",
  "Europe/Paris",
  "America/New_York",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
);
const wildcardArb = fc
  .array(fc.oneof(fc.constantFrom("*", "?", "a", "b", "\\*", "ab"), fc.string({ maxLength: 3 })), { maxLength: 200 })
  .map((parts) => parts.join("").slice(0, MAX_PATTERN_LENGTH))
  .filter((pattern) => pattern.split(/\*+/).length - 1 <= MAX_PATTERN_WILDCARDS);
const simpleTextArb = fc
  .array(fc.constantFrom("(", ")", "a", "b*", "-", "+", "|", " ", '"x y"', "~2", "\\("), { maxLength: 400 })
  .map((parts) => parts.join(""));

describe("query engine: generated input within the accepted sizes stays cheap (fast-check)", () => {
  test("date formats, dates, date math and time zones in range, sort and date_range", () => {
    fc.assert(
      fc.property(formatArb, dateTextArb, mathArb, zoneArb, fc.nat({ max: 80 }), (format, text, math, zone, width) => {
        const zoned = zone === undefined ? {} : { time_zone: zone };
        assertBounded({ query: { range: { creation: { gte: text, lte: math, format, ...zoned } } } });
        assertBounded({ query: { range: { creation: { gte: `${"1".repeat(width)}x`, format } } } });
        assertBounded({ sort: [{ creation: { format } }], search_after: [text] });
        assertBounded({ aggs: { d: { date_range: { field: "creation", format, ...zoned, ranges: [{ from: text, to: math }] } } } });
        // As many zoned date-math clauses as a body may hold: the request's allowance stops them.
        assertBounded({
          query: { bool: { should: Array.from({ length: 200 }, () => ({ range: { creation: { gte: math, ...zoned } } })) } },
        });
      }),
      { numRuns: 150 },
    );
  });

  test("wildcards: translation and the in-process match", () => {
    fc.assert(
      fc.property(wildcardArb, fc.string({ maxLength: 2000 }), fc.boolean(), (pattern, value, caseInsensitive) => {
        assertBounded({ query: { wildcard: { name: { value: pattern, case_insensitive: caseInsensitive } } } });
        assertBounded({ query: { wildcard: { type: pattern } } });
        const started = performance.now();
        wildcardMatches(pattern, value, caseInsensitive);
        const ms = performance.now() - started;
        assert.ok(ms < BOUND_MS, `${ms.toFixed(1)} ms matching ${pattern.slice(0, 100)}`);
      }),
      { numRuns: 200 },
    );
  });

  test("nesting: simple_query_string groups and bool queries", () => {
    const boolArb = fc.letrec((tie) => ({
      query: fc.oneof(
        { depthSize: "small", maxDepth: 35 },
        fc.constant({ term: { name: "a" } }),
        fc.array(tie("query"), { minLength: 1, maxLength: 3 }).map((must) => ({ bool: { must } })),
      ),
    })).query;
    fc.assert(
      fc.property(simpleTextArb, fc.nat({ max: 40 }), boolArb, (text, depth, bool) => {
        assertBounded({ query: { simple_query_string: { query: text } } });
        assertBounded({
          query: { simple_query_string: { query: `${"(".repeat(depth)}a b c${")".repeat(depth)}`, fields: ["name", "metadata.*", "*"] } },
        });
        assertBounded({ query: bool });
      }),
      { numRuns: 150 },
    );
  });

  test("the largest inputs of each kind", () => {
    const ops = "+1d".repeat(MAX_DATE_MATH_OPERATIONS);
    assertBounded({
      query: {
        bool: { should: Array.from({ length: 4000 }, () => ({ range: { creation: { gte: `now${ops}`, time_zone: "Europe/Paris" } } })) },
      },
    });
    assertBounded({
      query: { bool: { should: Array.from({ length: 4000 }, () => ({ range: { creation: { gte: `now${ops}`, time_zone: "+01:00" } } })) } },
    });
    assertBounded({ query: { simple_query_string: { query: Array.from({ length: 1024 }, (_, i) => `t${i}`).join(" ") } } });
    assertBounded({
      query: { wildcard: { name: `${"*a".repeat(MAX_PATTERN_WILDCARDS)}${"?".repeat(MAX_PATTERN_LENGTH - 2 * MAX_PATTERN_WILDCARDS)}` } },
    });
    assertBounded({ query: { range: { creation: { gte: "1".repeat(256), format: "y".concat("dH".repeat(127)) } } } });
    console.log(`slowest generated request: ${slowest.ms.toFixed(1)} ms (${slowest.input})`);
  });
});
