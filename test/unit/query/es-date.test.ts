import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SecurityError } from "../../../lib/support/security-error.js";
import { DateWorkBudget } from "../../../lib/query/date-work-budget.js";
import { DEFAULT_FORMAT, formatDate, parseDateFormat } from "../../../lib/query/date-format.js";
import { parseDateMath } from "../../../lib/query/date-math.js";
import { parseTimeZone } from "../../../lib/query/time-zone.js";

const NOW = Date.UTC(2024, 5, 15, 12, 30, 45, 123); // Saturday 2024-06-15T12:30:45.123Z
const parse = (value: string | number, roundUp = false, extra: { format?: string; tz?: string } = {}): number =>
  parseDateMath(value, {
    now: NOW,
    roundUp,
    format: extra.format ? parseDateFormat(extra.format) : undefined,
    timeZone: extra.tz ? parseTimeZone(extra.tz) : undefined,
  });

describe("parseDateMath", () => {
  test("numbers are epoch ms; digit strings are epoch ms unless they read as a year", () => {
    assert.equal(parse(1704067200000), 1704067200000);
    assert.equal(parse("1704067200000"), 1704067200000);
    assert.equal(parse("2024"), Date.UTC(2024, 0, 1));
    assert.equal(parse("2024", true), Date.UTC(2024, 11, 31, 23, 59, 59, 999));
  });

  test("ISO dates, with the missing fields filled up when rounding up", () => {
    assert.equal(parse("2024-01-01T10:20:30.456Z"), Date.UTC(2024, 0, 1, 10, 20, 30, 456));
    assert.equal(parse("2024-01-01T10:20:30.4Z"), Date.UTC(2024, 0, 1, 10, 20, 30, 400));
    assert.equal(parse("2024-01-01T10:20:30+02:00"), Date.UTC(2024, 0, 1, 8, 20, 30));
    assert.equal(parse("2024-01-01T10:20:30+0200"), Date.UTC(2024, 0, 1, 8, 20, 30));
    assert.equal(parse("2024-02"), Date.UTC(2024, 1, 1));
    assert.equal(parse("2024-02", true), Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    assert.equal(parse("2024-01-01T10", true), Date.UTC(2024, 0, 1, 10, 59, 59, 999));
    assert.equal(parse("2024-01-01T10:00:00.000", true), Date.UTC(2024, 0, 1, 10));
  });

  test("date math on now and on anchors", () => {
    assert.equal(parse("now"), NOW);
    assert.equal(parse("now-1d"), NOW - 86_400_000);
    assert.equal(parse("now+1h"), NOW + 3_600_000);
    assert.equal(parse("now-2m+30s"), NOW - 90_000);
    assert.equal(parse("now/d"), Date.UTC(2024, 5, 15));
    assert.equal(parse("now/d", true), Date.UTC(2024, 5, 15, 23, 59, 59, 999));
    assert.equal(parse("now/M"), Date.UTC(2024, 5, 1));
    assert.equal(parse("now/y", true), Date.UTC(2024, 11, 31, 23, 59, 59, 999));
    assert.equal(parse("now/w"), Date.UTC(2024, 5, 10)); // Monday
    assert.equal(parse("now/H"), Date.UTC(2024, 5, 15, 12));
    assert.equal(parse("now/m"), Date.UTC(2024, 5, 15, 12, 30));
    assert.equal(parse("now/s"), Date.UTC(2024, 5, 15, 12, 30, 45));
    assert.equal(parse("2024-01-31||+1M"), Date.UTC(2024, 1, 29));
    assert.equal(parse("2024-01-31||+1M/d", true), Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    assert.equal(parse("2023-03-15||-1y"), Date.UTC(2022, 2, 15));
    assert.equal(parse("2024-01-01||+1d", true), Date.UTC(2024, 0, 2, 23, 59, 59, 999));
  });

  test("time zones: offsets and IANA ids shift parsing and rounding", () => {
    assert.equal(parse("2024-06-15T00:00:00", false, { tz: "+02:00" }), Date.UTC(2024, 5, 14, 22));
    assert.equal(parse("now/d", false, { tz: "-05:00" }), Date.UTC(2024, 5, 15, 5));
    assert.equal(parse("now/d", false, { tz: "Europe/Paris" }), Date.UTC(2024, 5, 14, 22));
    assert.equal(parse("2024-01-15T00:00:00", false, { tz: "Europe/Paris" }), Date.UTC(2024, 0, 14, 23));
    assert.equal(parse("2024-06-15T00:00:00Z", false, { tz: "Europe/Paris" }), Date.UTC(2024, 5, 15));
  });

  test("formats: named, custom patterns, alternatives", () => {
    assert.equal(parse("15/06/2024", false, { format: "dd/MM/yyyy" }), Date.UTC(2024, 5, 15));
    assert.equal(parse("15/06/2024", true, { format: "dd/MM/yyyy" }), Date.UTC(2024, 5, 15, 23, 59, 59, 999));
    assert.equal(parse("2024-06-15 08:09:10", false, { format: "yyyy-MM-dd HH:mm:ss" }), Date.UTC(2024, 5, 15, 8, 9, 10));
    assert.equal(parse("1718409600", false, { format: "epoch_second" }), Date.UTC(2024, 5, 15));
    assert.equal(parse("2024-06-15", false, { format: "date" }), Date.UTC(2024, 5, 15));
    assert.equal(parse("15.06.2024", false, { format: "yyyy-MM-dd||dd.MM.yyyy" }), Date.UTC(2024, 5, 15));
    assert.equal(parse("2024-06-15T01:02:03Z", false, { format: "strict_date_time_no_millis" }), Date.UTC(2024, 5, 15, 1, 2, 3));
  });

  test("failures are Elasticsearch's parse errors", () => {
    const fails = (value: string, reason: string, type = "parse_exception", extra: { format?: string } = {}): void => {
      assert.throws(
        () => parse(value, false, extra),
        (e: unknown) => e instanceof SecurityError && e.status === 400 && e.type === type && e.reason === reason,
      );
    };
    fails("yesterday", "failed to parse date field [yesterday] with format [strict_date_optional_time||epoch_millis]");
    fails("2024-13-01", "failed to parse date field [2024-13-01] with format [strict_date_optional_time||epoch_millis]");
    fails("2023-02-29", "failed to parse date field [2023-02-29] with format [strict_date_optional_time||epoch_millis]");
    fails("now*2d", "operator not supported for date math [*2d]");
    fails("now+", "truncated date math [+]");
    fails("now+1", "truncated date math [+1]");
    fails("now+1q", "unit [q] not supported for date math [+1q]");
    fails("now/2d", "rounding `/` can only be used on single unit types [/2d]");
    fails("2024-01-01", "failed to parse date field [2024-01-01] with format [dd/MM/yyyy]", "parse_exception", { format: "dd/MM/yyyy" });
    assert.throws(() => parseDateFormat("yyyy-QQ"), /Unknown pattern letter: Q/);
    assert.throws(() => parseTimeZone("Nowhere/City"), /Unknown time-zone ID: Nowhere\/City/);
  });
});

describe("cost bounds", () => {
  test("a custom format is read in one pass: many one-or-two-digit fields cannot backtrack", () => {
    const format = parseDateFormat("ydHdHdHdHdHdHdHdHdHdHdHdH");
    const started = performance.now();
    assert.throws(
      () => parseDateMath(`${"1".repeat(80)}x`, { now: NOW, format }),
      (e: unknown) => e instanceof SecurityError && e.status === 400 && e.type === "parse_exception",
    );
    for (let digits = 20; digits <= 60; digits++) {
      try {
        parseDateMath(`${"1".repeat(digits)}x`, { now: NOW, format });
        assert.fail("a trailing letter never parses");
      } catch (error) {
        assert.ok(error instanceof SecurityError && error.type === "parse_exception");
      }
    }
    const ms = performance.now() - started;
    assert.ok(ms < 50, `took ${ms.toFixed(1)} ms`);
  });

  test("a run of digits is split as the regular expression split it: greedy, leaving each later field its minimum", () => {
    assert.equal(parse("202461", false, { format: "yyyyMd" }), Date.UTC(2024, 5, 1));
    assert.equal(parse("2024111", false, { format: "yyyyMd" }), Date.UTC(2024, 10, 1));
    assert.equal(parse("2024121", false, { format: "yyyyMd" }), Date.UTC(2024, 11, 1));
    assert.equal(parse("20240615081910", false, { format: "yyyyMMddHHmmss" }), Date.UTC(2024, 5, 15, 8, 19, 10));
    assert.equal(
      parse("2024-06-15T08:09:10.5+02:00", false, { format: "yyyy-MM-dd'T'HH:mm:ss.SXXX" }),
      Date.UTC(2024, 5, 15, 6, 9, 10, 500),
    );
    assert.equal(parse("2024-06-15 Z", false, { format: "yyyy-MM-dd Z" }), Date.UTC(2024, 5, 15));
    assert.equal(parse("2024-06-15 +0130", false, { format: "yyyy-MM-dd Z" }), Date.UTC(2024, 5, 14, 22, 30));
    assert.equal(parse("7/6/2024", false, { format: "d/M/yyyy" }), Date.UTC(2024, 5, 7));
    const fails = (text: string, format: string): void => {
      assert.throws(
        () => parse(text, false, { format }),
        (e: unknown) => e instanceof SecurityError && e.type === "parse_exception",
      );
    };
    fails("20246111", "yyyyMd"); // one digit too many for the run
    fails("2024611", "yyyyMd"); // month 61, as the regular expression read it: no retry on a bad value
    fails("2024-6-15", "yyyy-MM-dd"); // MM is two digits
    fails("2024-06-15x", "yyyy-MM-dd");
    fails("2024-06-15 +01:", "yyyy-MM-dd Z");
  });

  test("date math: at most 32 operations and 512 characters per date", () => {
    assert.equal(parse(`now${"+1s".repeat(32)}`), NOW + 32_000);
    assert.throws(
      () => parse(`now${"+1s".repeat(33)}`),
      (e: unknown) => e instanceof SecurityError && e.type === "parse_exception" && /more than \[32\] operations/.test(e.reason),
    );
    assert.throws(
      () => parse(`now${"+1d".repeat(30_000)}`, false, { tz: "Europe/Paris" }),
      (e: unknown) => e instanceof SecurityError && e.type === "parse_exception" && /longer than \[512\] characters/.test(e.reason),
    );
  });

  test("a request's budget bounds date math, tightly in IANA zones", () => {
    const budget = new DateWorkBudget(40);
    const paris = parseTimeZone("Europe/Paris");
    const expression = `now${"+1d".repeat(32)}`;
    parseDateMath(expression, { now: NOW, timeZone: paris, budget });
    assert.throws(
      () => parseDateMath(expression, { now: NOW, timeZone: paris, budget }),
      (e: unknown) => e instanceof SecurityError && e.status === 400 && /limited to \[40\] steps per request/.test(e.reason),
    );
    // Fixed offsets cost what arithmetic costs: they draw on a larger allowance of their own.
    const fixed = new DateWorkBudget(1, 3200);
    for (let i = 0; i < 100; i++) parseDateMath(expression, { now: NOW, timeZone: parseTimeZone("+02:00"), budget: fixed });
    assert.throws(
      () => parseDateMath(expression, { now: NOW, timeZone: parseTimeZone("+02:00"), budget: fixed }),
      (e: unknown) =>
        e instanceof SecurityError && e.status === 400 && e.reason === "[query_api_keys] date math is limited to [3200] steps per request",
    );
    assert.equal(parseTimeZone("Europe/Paris"), paris, "zones are built once and reused");
    assert.equal(parseTimeZone("EUROPE/paris"), paris, "whatever the spelling: new spellings cannot refill the cache");
  });
});

describe("formatDate", () => {
  test("prints in the format and zone", () => {
    const instant = Date.UTC(2024, 5, 15, 8, 9, 10, 11);
    assert.equal(formatDate(instant), "2024-06-15T08:09:10.011Z");
    assert.equal(formatDate(instant, DEFAULT_FORMAT, parseTimeZone("+05:30")), "2024-06-15T13:39:10.011+05:30");
    assert.equal(formatDate(instant, parseDateFormat("date_time_no_millis")), "2024-06-15T08:09:10Z");
    assert.equal(formatDate(instant, parseDateFormat("yyyy/MM/dd HH:mm")), "2024/06/15 08:09");
    assert.equal(formatDate(instant, parseDateFormat("epoch_millis")), String(instant));
    assert.equal(formatDate(instant, parseDateFormat("date")), "2024-06-15");
  });
});
