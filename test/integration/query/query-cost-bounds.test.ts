import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestApp, type HttpResult, type TestApp } from "../../support/test-app.js";
import { as, assertError, createFixtures, createKey, type TestUser } from "../api-key/api-key-fixtures.js";

/** The longest a hostile request, or a request running beside it, may take. */
const BOUND_MS = 200;

/** The custom date format of the report: one `(\d{1,2})` group per letter made it exponential. */
const REDOS_FORMAT = "ydHdHdHdHdHdHdHdHdHdHdHdH";
const REDOS_DATE = `${"1".repeat(80)}x`;

/**
 * Requests whose cost grows with their size (date formats, date math, nested groups, wildcards)
 * answer quickly with a clean 400 (or 403 before any parsing for a caller who may not query keys),
 * and a request sent beside them is not held up: the event loop stays free.
 */
describe("_query/api_key: hostile requests are cheap to refuse", () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp("q_cost", { failureRateLimit: false }, (app) => {
      app.get("/ping", (_req, res) => {
        res.json({ ok: true });
      });
    });
    await createFixtures(t);
    // Warm the authentication cache of every caller, so timings measure the query alone.
    for (const user of ["reader", "plain", "owner"] as const) {
      assert.equal((await t.request("GET", "/_security/_authenticate", { auth: as(user) })).status, 200);
    }
    assert.equal((await t.admin("GET", "/ping")).status, 200);
  });
  after(() => t.close());

  /** Sends `body` as `user` and, 5 ms later, a ping; returns the answer and both durations. */
  async function timed(body: unknown, user: TestUser): Promise<{ res: HttpResult; ms: number; pingMs: number }> {
    const started = performance.now();
    const hostile = t
      .request("POST", "/_security/_query/api_key", { auth: as(user), body })
      .then((res) => ({ res, ms: performance.now() - started }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const pingStarted = performance.now();
    const ping = await t.admin("GET", "/ping");
    const pingMs = performance.now() - pingStarted;
    assert.equal(ping.status, 200);
    const { res, ms } = await hostile;
    return { res, ms, pingMs };
  }

  function assertFast(result: { ms: number; pingMs: number }, what: string): void {
    assert.ok(result.ms < BOUND_MS, `${what}: answered in ${result.ms.toFixed(1)} ms`);
    assert.ok(result.pingMs < BOUND_MS, `${what}: a concurrent request waited ${result.pingMs.toFixed(1)} ms`);
  }

  const redosQuery = { query: { range: { creation: { gte: REDOS_DATE, format: REDOS_FORMAT } } } };

  it("a caller without API-key privileges gets the 403 before the body is parsed (ReDoS date format)", async () => {
    const result = await timed(redosQuery, "plain");
    assertError(
      result.res,
      403,
      "security_exception",
      /^action \[cluster:admin\/xpack\/security\/api_key\/query\] is unauthorized for user \[plain\]/,
    );
    assertFast(result, "unprivileged ReDoS format");
    // Not even a malformed body is looked at before the privilege check.
    assertError(
      await t.request("POST", "/_security/_query/api_key", { auth: as("plain"), body: { bogus: true } }),
      403,
      "security_exception",
      /is unauthorized for user \[plain\]/,
    );
  });

  it("a custom date format is read without backtracking: range, sort format with search_after, date_range", async () => {
    const reason = `failed to parse date field [${REDOS_DATE}] with format [${REDOS_FORMAT}]`;
    const range = await timed(redosQuery, "reader");
    assertError(range.res, 400, "parse_exception", reason);
    assertFast(range, "range with a ReDoS format");

    const sorted = await timed({ sort: [{ creation: { format: REDOS_FORMAT } }], search_after: [REDOS_DATE] }, "reader");
    assertError(sorted.res, 400, "illegal_argument_exception", "Failed to parse search_after value for field [creation_time].");
    assertFast(sorted, "search_after with a ReDoS sort format");

    const aggs = await timed(
      { aggs: { d: { date_range: { field: "creation", format: REDOS_FORMAT, ranges: [{ from: REDOS_DATE }] } } } },
      "reader",
    );
    assertError(aggs.res, 400, "parse_exception", reason);
    assertFast(aggs, "date_range with a ReDoS format");

    // The format still reads what it should.
    const ok = await t.request("POST", "/_security/_query/api_key", {
      auth: as("reader"),
      body: { query: { range: { creation: { gte: "2000011", format: "yyyyMd" } } } },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  it("simple_query_string nested 20,000 groups deep is a 400, not a stack overflow", async () => {
    const result = await timed({ query: { simple_query_string: { query: "(".repeat(20_000) + "a" } } }, "reader");
    assertError(result.res, 400, "illegal_argument_exception", /^\[simple_query_string\] query nests groups more than \[30\] deep/);
    assertFast(result, "nested simple_query_string");
  });

  it("date math is bounded per date and, in IANA time zones, per request", async () => {
    const long = await timed(
      { query: { range: { creation: { gte: `now${"+1d".repeat(30_000)}`, time_zone: "Europe/Paris" } } } },
      "reader",
    );
    assertError(long.res, 400, "parse_exception", /longer than \[512\] characters/);
    assertFast(long, "30,000 date-math terms");

    const many = await timed({ query: { range: { creation: { gte: `now${"+1d".repeat(33)}` } } } }, "reader");
    assertError(many.res, 400, "parse_exception", /has more than \[32\] operations/);

    // Within each bound, but thousands of them: the request's allowance runs out first.
    const clause = { range: { creation: { gte: `now${"+1d".repeat(32)}`, time_zone: "Europe/Paris" } } };
    const wide = await timed({ query: { bool: { should: Array.from({ length: 300 }, () => clause) } } }, "reader");
    assertError(
      wide.res,
      400,
      "illegal_argument_exception",
      /date math in time zones other than a fixed offset is limited to \[256\] steps per request/,
    );
    assertFast(wide, "300 zoned date-math clauses");
  });

  it("wildcards over large metadata: runs of ? and * are one bounded step each", async () => {
    const big = "ab".repeat(10_000);
    await createKey(t, "owner", {
      name: "big-meta",
      metadata: { blob: big, list: Array.from({ length: 50 }, (_, i) => `${i}-${"c".repeat(1000)}`) },
    });
    for (const field of ["metadata.blob", "metadata"]) {
      // What finding and returning the large key costs by itself: the wildcard may add little to it.
      let baseline = Infinity;
      for (let i = 0; i < 2; i++) {
        const started = performance.now();
        assert.equal(
          (
            await t.request("POST", "/_security/_query/api_key", {
              auth: as("owner"),
              body: { query: { bool: { filter: [{ term: { name: "big-meta" } }, { exists: { field } }] } } },
            })
          ).status,
          200,
        );
        baseline = Math.min(baseline, performance.now() - started);
      }
      for (const value of ["?*?*?*?*?*?*?*?*?", "*?*?*?*?*?*?*?*?*z", "*a*b*a*b*a*b*a*b*z"]) {
        // The better of two runs, as for the baseline: the database's own pauses are not the point.
        let ms = Infinity;
        for (let run = 0; run < 2; run++) {
          const result = await timed({ query: { wildcard: { [field]: value } } }, "owner");
          assert.equal(result.res.status, 200, JSON.stringify(result.res.body));
          assert.equal(result.res.body.total, value.endsWith("z") ? 0 : 1, `${field} ~ ${value}`);
          assert.ok(result.pingMs < BOUND_MS, `wildcard ${value} on ${field}: a concurrent request waited ${result.pingMs.toFixed(1)} ms`);
          ms = Math.min(ms, result.ms);
        }
        assert.ok(
          ms < baseline + BOUND_MS,
          `wildcard ${value} on ${field}: ${ms.toFixed(1)} ms, the same key found by name ${baseline.toFixed(1)} ms`,
        );
      }
    }
  });
});
