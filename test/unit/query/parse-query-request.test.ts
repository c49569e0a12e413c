import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { throwsSecurityError } from "../../support/throws-security-error.js";
import { parseQueryApiKeysRequest } from "../../../lib/query/parse-query-request.js";

function rejects(body: unknown, type: string, reason: string | RegExp, params = {}): void {
  throwsSecurityError(() => parseQueryApiKeysRequest(body, params), type, reason);
}

describe("parseQueryApiKeysRequest", () => {
  test("defaults: match all, from 0, size 10", () => {
    for (const body of [undefined, null, {}]) {
      const request = parseQueryApiKeysRequest(body);
      assert.equal(request.query, undefined);
      assert.equal(request.from, 0);
      assert.equal(request.size, 10);
      assert.equal(request.sort, undefined);
      assert.equal(request.searchAfter, undefined);
      assert.equal(request.aggregations, undefined);
      assert.equal(request.withLimitedBy, false);
      assert.equal(request.typedKeys, false);
    }
  });

  test("a full request", () => {
    const request = parseQueryApiKeysRequest(
      {
        query: { term: { name: "x" } },
        from: 0,
        size: "5",
        sort: ["name", { creation: "desc" }],
        search_after: ["a", 1],
        aggregations: { n: { terms: { field: "name" } } },
      },
      { with_limited_by: "true", typed_keys: "", with_profile_uid: "false" },
    );
    assert.deepEqual(request.query, { term: { name: "x" } });
    assert.equal(request.size, 5);
    assert.equal(request.sort?.length, 2);
    assert.deepEqual(request.searchAfter, ["a", 1]);
    assert.equal(request.aggregations?.length, 1);
    assert.equal(request.withLimitedBy, true);
    assert.equal(request.typedKeys, true);
    assert.equal(request.withProfileUid, false);
    assert.equal(parseQueryApiKeysRequest({ aggs: { n: { missing: { field: "name" } } } }).aggregations?.[0]?.type, "missing");
    assert.equal(parseQueryApiKeysRequest({ size: 0, from: 10_000 }).from, 10_000);
  });

  test("Elasticsearch's errors", () => {
    rejects({ nope: 1 }, "x_content_parse_exception", "[query_api_key_request_payload] unknown field [nope]");
    rejects({ aggs: {}, aggregations: {} }, "illegal_argument_exception", "Duplicate 'aggs' or 'aggregations' field");
    rejects(
      { from: -1, size: -2 },
      "action_request_validation_exception",
      "Validation Failed: 1: [from] parameter cannot be negative but was [-1];2: [size] parameter cannot be negative but was [-2];",
    );
    rejects(
      { from: 9_995, size: 10 },
      "illegal_argument_exception",
      /^Result window is too large, from \+ size must be less than or equal to: \[10000\] but was \[10005\]\. See the scroll api/,
    );
    rejects({ size: 10_001 }, "illegal_argument_exception", /but was \[10001\]/);
    rejects(
      { from: 1, sort: ["name"], search_after: ["x"] },
      "action_request_validation_exception",
      "Validation Failed: 1: [from] parameter must be set to 0 when [search_after] is used;",
    );
    rejects({ sort: ["name"], search_after: ["x", "y"] }, "illegal_argument_exception", "search_after has 2 value(s) but sort has 1.");
    rejects({ search_after: ["x"] }, "illegal_argument_exception", "Sort must contain at least one field.");
    rejects({ from: "ten" }, "x_content_parse_exception", "[query_api_key_request_payload] failed to parse field [from]");
    rejects({ size: { $gt: 1 } }, "x_content_parse_exception", "[query_api_key_request_payload] failed to parse field [size]");
    rejects({ query: "name:x" }, "x_content_parse_exception", /query doesn't support values of type/);
    rejects(
      { query: { fuzzy: { name: "x" } } },
      "illegal_argument_exception",
      "Query type [fuzzy] is not currently supported in this context",
    );
    rejects({ sort: "id" }, "illegal_argument_exception", "Field [id] is not allowed for querying or aggregation");
    rejects({ aggs: { a: { avg: { field: "creation" } } } }, "illegal_argument_exception", "Unsupported API Keys agg [a] of type [avg]");
    rejects([], "x_content_parse_exception", /Expected START_OBJECT/);
    rejects({}, "illegal_argument_exception", "Failed to parse value [yes] as only [true] or [false] are allowed.", { typed_keys: "yes" });
  });
});
