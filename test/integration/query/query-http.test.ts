import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { as, assertError, createFixtures, createKey, type CreatedKey, type TestUser } from "../api-key/api-key-fixtures.js";

const HOUR = 3_600_000;

/**
 * `_query/api_key` end to end: every query type, sort, paging and aggregation type Elasticsearch
 * allows, through the router on keys made by the create API (the engine's own integration test
 * drives it below HTTP with handcrafted documents).
 */
describe("_query/api_key through HTTP: every query and aggregation type", () => {
  let t: TestApp;
  const k: Record<string, CreatedKey> = {};
  let createdAfter = 0;

  before(async () => {
    t = await startTestApp("q_http", { failureRateLimit: false });
    await createFixtures(t);
    createdAfter = Date.now() - 1000;
    const make = async (user: TestUser, body: Record<string, unknown>) => {
      k[body.name as string] = await createKey(t, user, body);
    };
    await make("owner", { name: "alpha-1", expiration: "1d", metadata: { env: "prod", tier: 1, tags: ["a", "b"] } });
    await make("owner", { name: "alpha-2", metadata: { env: "dev", tier: 2 } });
    await make("other", { name: "beta-1", expiration: "2d", metadata: { env: "prod", team: { name: "core" } } });
    await make("other", { name: "beta-2" });
    await make("manager", { name: "Gamma.X", expiration: "0", metadata: { "app.env": "prod" } });
    const res = await t.request("DELETE", "/_security/api_key", { auth: as("other"), body: { ids: [k["beta-2"]?.id], owner: true } });
    assert.deepEqual(res.body.invalidated_api_keys, [k["beta-2"]?.id]);
  });
  after(() => t.close());

  const query = async (body: unknown, params = "", user: TestUser = "reader") => {
    const res = await t.request("POST", `/_security/_query/api_key${params}`, { auth: as(user), body });
    assert.equal(res.status, 200, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
    return res.body as {
      total: number;
      count: number;
      api_keys: Array<{ id: string; name: string; _sort?: unknown[] }>;
      aggregations?: Record<string, any>;
    };
  };
  const names = async (q: unknown) => (await query({ query: q, size: 100 })).api_keys.map((key) => key.name).sort();

  it("match_all (also an empty body and a GET), term (both forms, case_insensitive), terms, match, ids", async () => {
    assert.deepEqual(await names({ match_all: {} }), ["Gamma.X", "alpha-1", "alpha-2", "beta-1", "beta-2"]);
    const get = await t.request("GET", "/_security/_query/api_key", { auth: as("reader") });
    assert.equal(get.body.total, 5);
    assert.equal((await query(undefined)).total, 5);
    assert.deepEqual(await names({ term: { name: "alpha-1" } }), ["alpha-1"]);
    assert.deepEqual(await names({ term: { name: { value: "ALPHA-1", case_insensitive: true } } }), ["alpha-1"]);
    assert.deepEqual(await names({ term: { name: { value: "ALPHA-1" } } }), []);
    assert.deepEqual(await names({ terms: { username: ["owner", "manager"] } }), ["Gamma.X", "alpha-1", "alpha-2"]);
    assert.deepEqual(await names({ match: { name: "beta-1" } }), ["beta-1"]);
    assert.deepEqual(await names({ match: { name: { query: "beta-1", operator: "and" } } }), ["beta-1"]);
    assert.deepEqual(await names({ ids: { values: [k["alpha-2"]?.id, k["beta-1"]?.id, "nope"] } }), ["alpha-2", "beta-1"]);
    assert.deepEqual(await names({ term: { invalidated: true } }), ["beta-2"]);
    assert.deepEqual(await names({ term: { type: "rest" } }), ["Gamma.X", "alpha-1", "alpha-2", "beta-1", "beta-2"]);
    assert.deepEqual(await names({ term: { realm_name: "native" } }), ["Gamma.X", "alpha-1", "alpha-2", "beta-1", "beta-2"]);
    assert.deepEqual(await names({ term: { realm: "native" } }), ["Gamma.X", "alpha-1", "alpha-2", "beta-1", "beta-2"]);
  });

  it("prefix, wildcard, exists, range (dates with date math and format, keywords)", async () => {
    assert.deepEqual(await names({ prefix: { name: "alpha" } }), ["alpha-1", "alpha-2"]);
    assert.deepEqual(await names({ prefix: { name: { value: "gAm", case_insensitive: true } } }), ["Gamma.X"]);
    assert.deepEqual(await names({ wildcard: { name: "*-2" } }), ["alpha-2", "beta-2"]);
    assert.deepEqual(await names({ wildcard: { name: { value: "?eta*" } } }), ["beta-1", "beta-2"]);
    assert.deepEqual(await names({ wildcard: { name: "Gamma.?" } }), ["Gamma.X"], "`.` is a literal");
    assert.deepEqual(await names({ exists: { field: "expiration" } }), ["Gamma.X", "alpha-1", "beta-1"]);
    assert.deepEqual(await names({ exists: { field: "invalidation" } }), ["beta-2"]);
    assert.deepEqual(await names({ exists: { field: "metadata.team.name" } }), ["beta-1"]);
    assert.deepEqual(await names({ range: { creation: { gte: "now-1h" } } }), ["Gamma.X", "alpha-1", "alpha-2", "beta-1", "beta-2"]);
    assert.deepEqual(await names({ range: { creation: { gte: createdAfter, lte: "now" } } }), [
      "Gamma.X",
      "alpha-1",
      "alpha-2",
      "beta-1",
      "beta-2",
    ]);
    assert.deepEqual(await names({ range: { expiration: { lte: "now" } } }), ["Gamma.X"]);
    assert.deepEqual(await names({ range: { expiration: { gt: "now+36h" } } }), ["beta-1"]);
    assert.deepEqual(await names({ range: { expiration: { gte: "now-1h/h", lt: "now+1h", format: "yyyy-MM-dd" } } }), ["Gamma.X"]);
    assert.deepEqual(await names({ range: { creation: { gte: "2000-01-01", format: "yyyy-MM-dd" } } }), [
      "Gamma.X",
      "alpha-1",
      "alpha-2",
      "beta-1",
      "beta-2",
    ]);
    assert.deepEqual(await names({ range: { creation: { lt: "2000-01-01" } } }), []);
    assert.deepEqual(await names({ range: { name: { gte: "b", lt: "c" } } }), ["beta-1", "beta-2"]);
    assert.deepEqual(await names({ range: { invalidation: { gte: "now-1h" } } }), ["beta-2"]);
  });

  it("metadata: paths (nested, dotted, arrays, numbers), bare metadata", async () => {
    assert.deepEqual(await names({ term: { "metadata.env": "prod" } }), ["alpha-1", "beta-1"]);
    assert.deepEqual(await names({ term: { "metadata.app.env": "prod" } }), ["Gamma.X"]);
    assert.deepEqual(await names({ term: { "metadata.tier": "2" } }), ["alpha-2"]);
    assert.deepEqual(await names({ terms: { "metadata.tags": ["b", "z"] } }), ["alpha-1"]);
    assert.deepEqual(await names({ term: { "metadata.team.name": "core" } }), ["beta-1"]);
    assert.deepEqual(await names({ term: { metadata: "prod" } }), ["Gamma.X", "alpha-1", "beta-1"]);
    assert.deepEqual(await names({ prefix: { "metadata.env": "de" } }), ["alpha-2"]);
  });

  it("simple_query_string (fields, operators, prefixes, all fields) and bool with every occurrence", async () => {
    assert.deepEqual(await names({ simple_query_string: { query: "prod", fields: ["metadata"] } }), ["Gamma.X", "alpha-1", "beta-1"]);
    assert.deepEqual(await names({ simple_query_string: { query: "alpha* -alpha-2", fields: ["name"], default_operator: "and" } }), [
      "alpha-1",
    ]);
    assert.deepEqual(await names({ simple_query_string: { query: "beta-1 | Gamma.X", fields: ["name", "username"] } }), [
      "Gamma.X",
      "beta-1",
    ]);
    assert.deepEqual(await names({ simple_query_string: { query: "core" } }), ["beta-1"], "no fields: every allowed field, leniently");
    assert.deepEqual(await names({ simple_query_string: { query: "other" } }), ["beta-1", "beta-2"]);
    assert.deepEqual(
      await names({
        bool: {
          must: [{ prefix: { name: "alpha" } }],
          filter: { term: { invalidated: false } },
          should: [{ term: { "metadata.env": "prod" } }, { term: { "metadata.env": "staging" } }],
          must_not: { term: { name: "alpha-2" } },
          minimum_should_match: 1,
        },
      }),
      ["alpha-1"],
    );
    assert.deepEqual(
      await names({ bool: { should: [{ term: { username: "owner" } }, { term: { "metadata.env": "prod" } }], minimum_should_match: 2 } }),
      ["alpha-1"],
    );
    assert.deepEqual(await names({ bool: { must_not: [{ exists: { field: "expiration" } }] } }), ["alpha-2", "beta-2"]);
  });

  it("sort (string, object, array, format), from/size, _sort on hits, search_after", async () => {
    const sorted = await query({ sort: [{ name: "asc" }], from: 1, size: 2 });
    assert.equal(sorted.total, 5);
    assert.equal(sorted.count, 2);
    assert.deepEqual(
      sorted.api_keys.map((key) => key.name),
      ["alpha-1", "alpha-2"],
    );
    assert.deepEqual(
      sorted.api_keys.map((key) => key._sort),
      [["alpha-1"], ["alpha-2"]],
    );
    const next = await query({ sort: "name", size: 2, search_after: sorted.api_keys[1]?._sort });
    assert.deepEqual(
      next.api_keys.map((key) => key.name),
      ["beta-1", "beta-2"],
    );
    assert.equal(next.total, 5);
    const byExpiry = await query({ sort: [{ expiration: { order: "desc", format: "date_time" } }, "name"], size: 5 });
    assert.deepEqual(
      byExpiry.api_keys.map((key) => key.name),
      ["beta-1", "alpha-1", "Gamma.X", "alpha-2", "beta-2"],
    );
    assert.match(String(byExpiry.api_keys[0]?._sort?.[0]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const byCreation = await query({ sort: { creation: "desc" }, size: 1 });
    assert.equal(typeof byCreation.api_keys[0]?._sort?.[0], "number");
    assert.ok(!("_sort" in ((await query({ size: 1 })).api_keys[0] ?? {})), "no _sort without a sort");
    const none = await query({ size: 0 });
    assert.deepEqual([none.total, none.count, none.api_keys], [5, 0, []]);
  });

  it("every aggregation type, under `aggs` or `aggregations`, with sub-aggregations and typed_keys", async () => {
    const now = Date.now();
    const body = {
      size: 0,
      aggs: {
        users: {
          terms: { field: "username", order: { _key: "asc" } },
          aggs: { names: { cardinality: { field: "name" } }, envs: { value_count: { field: "metadata.env" } } },
        },
        expiry: {
          range: {
            field: "expiration",
            ranges: [{ to: now + 12 * HOUR }, { key: "soon", from: now + 12 * HOUR, to: now + 36 * HOUR }, { from: now + 36 * HOUR }],
          },
        },
        created: { date_range: { field: "creation", format: "yyyy", ranges: [{ from: "now-1h" }, { to: "now-1h" }] } },
        no_expiry: { missing: { field: "expiration" } },
        owners: { cardinality: { field: "username" } },
        named: { value_count: { field: "name" } },
        pages: { composite: { size: 2, sources: [{ user: { terms: { field: "username" } } }] } },
        gone: { filter: { term: { invalidated: true } } },
        envs: { filters: { filters: { prod: { term: { "metadata.env": "prod" } }, dev: { term: { "metadata.env": "dev" } } } } },
        states: { terms: { field: "invalidated" } },
      },
    };
    const plain = await query(body);
    assert.equal(plain.total, 5);
    const a = plain.aggregations ?? {};
    assert.deepEqual(a.users, {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: 0,
      buckets: [
        { key: "manager", doc_count: 1, names: { value: 1 }, envs: { value: 0 } },
        { key: "other", doc_count: 2, names: { value: 2 }, envs: { value: 1 } },
        { key: "owner", doc_count: 2, names: { value: 2 }, envs: { value: 2 } },
      ],
    });
    assert.deepEqual(
      a.expiry.buckets.map((b: { key: string; doc_count: number }) => b.doc_count),
      [1, 1, 1],
    );
    assert.equal(a.expiry.buckets[1].key, "soon");
    assert.deepEqual(a.created.buckets.map((b: { doc_count: number }) => b.doc_count).sort(), [0, 5]);
    assert.match(a.created.buckets.find((b: { from?: number }) => b.from !== undefined).from_as_string, /^\d{4}$/);
    assert.deepEqual(a.no_expiry, { doc_count: 2 });
    assert.deepEqual(a.owners, { value: 3 });
    assert.deepEqual(a.named, { value: 5 });
    assert.deepEqual(a.pages, {
      after_key: { user: "other" },
      buckets: [
        { key: { user: "manager" }, doc_count: 1 },
        { key: { user: "other" }, doc_count: 2 },
      ],
    });
    assert.deepEqual(a.gone, { doc_count: 1 });
    assert.deepEqual(a.envs, { buckets: { dev: { doc_count: 1 }, prod: { doc_count: 2 } } });
    assert.deepEqual(a.states.buckets, [
      { key: 0, key_as_string: "false", doc_count: 4 },
      { key: 1, key_as_string: "true", doc_count: 1 },
    ]);

    const after = await query({
      size: 0,
      aggs: { pages: { composite: { size: 2, after: a.pages.after_key, sources: [{ user: { terms: { field: "username" } } }] } } },
    });
    assert.deepEqual(after.aggregations?.pages.buckets, [{ key: { user: "owner" }, doc_count: 2 }]);

    const { aggs, ...rest } = body;
    const typed = await query({ ...rest, aggregations: aggs }, "?typed_keys=true");
    assert.deepEqual(Object.keys(typed.aggregations ?? {}).sort(), [
      "cardinality#owners",
      "composite#pages",
      "date_range#created",
      "filter#gone",
      "filters#envs",
      "lterms#states",
      "missing#no_expiry",
      "range#expiry",
      "sterms#users",
      "value_count#named",
    ]);
    assert.deepEqual(Object.keys(typed.aggregations?.["sterms#users"].buckets[0]).sort(), [
      "cardinality#names",
      "doc_count",
      "key",
      "value_count#envs",
    ]);
  });

  it("scopes hits and aggregations to the caller: own keys for manage_own_api_key, itself for an API key", async () => {
    const body = { aggs: { users: { terms: { field: "username" } } } };
    const own = await query(body, "", "owner");
    assert.deepEqual(own.api_keys.map((key) => key.name).sort(), ["alpha-1", "alpha-2"]);
    assert.deepEqual(own.aggregations?.users.buckets, [{ key: "owner", doc_count: 2 }]);
    const res = await t.request("POST", "/_security/_query/api_key", { auth: { apiKey: k["alpha-1"]?.encoded as string }, body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.api_keys.map((key: { name: string }) => key.name),
      ["alpha-1"],
    );
    assert.deepEqual(res.body.aggregations.users.buckets, [{ key: "owner", doc_count: 1 }]);
  });

  it("refuses what Elasticsearch refuses, with its messages", async () => {
    const refuse = async (body: unknown, type: string, reason: string | RegExp) =>
      assertError(await t.request("POST", "/_security/_query/api_key", { auth: as("reader"), body }), 400, type, reason);
    await refuse(
      { query: { regexp: { name: "a.*" } } },
      "illegal_argument_exception",
      "Query type [regexp] is not currently supported in this context",
    );
    await refuse({ query: { nonsense: {} } }, "parsing_exception", "unknown query [nonsense]");
    await refuse(
      { query: { terms: { name: { index: "i", id: "1", path: "p" } } } },
      "illegal_argument_exception",
      "terms query with terms lookup is not currently supported in this context",
    );
    await refuse(
      { query: { range: { creation: { gte: "now-1d", relation: "within" } } } },
      "illegal_argument_exception",
      "range query with relation is not currently supported in this context",
    );
    await refuse(
      { query: { term: { hash: "x" } } },
      "illegal_argument_exception",
      "Field [hash] is not allowed for querying or aggregation",
    );
    await refuse(
      { query: { exists: { field: "metadata.x*" } } },
      "illegal_argument_exception",
      "Field name pattern [metadata.x*] is not allowed for querying or aggregation",
    );
    await refuse({ sort: ["id"] }, "illegal_argument_exception", "Field [id] is not allowed for querying or aggregation");
    await refuse({ aggs: {}, aggregations: {} }, "illegal_argument_exception", "Duplicate 'aggs' or 'aggregations' field");
    await refuse({ aggs: { g: { global: {} } } }, "illegal_argument_exception", "Unsupported API Keys agg [g] of type [global]");
    await refuse(
      { aggs: { s: { terms: { field: "role_descriptors" } } } },
      "illegal_argument_exception",
      "Field [role_descriptors] is not allowed for querying or aggregation",
    );
    await refuse(
      { from: 9_995, size: 6 },
      "illegal_argument_exception",
      /^Result window is too large, from \+ size must be less than or equal to: \[10000\] but was \[10001\]/,
    );
    await refuse(
      { from: -1 },
      "action_request_validation_exception",
      "Validation Failed: 1: [from] parameter cannot be negative but was [-1];",
    );
    await refuse(
      { sort: ["name"], search_after: ["a"], from: 1 },
      "action_request_validation_exception",
      "Validation Failed: 1: [from] parameter must be set to 0 when [search_after] is used;",
    );
    await refuse({ bogus: true }, "x_content_parse_exception", "[query_api_key_request_payload] unknown field [bogus]");
    assertError(
      await t.request("POST", "/_security/_query/api_key?typed_keys=maybe", { auth: as("reader"), body: {} }),
      400,
      "illegal_argument_exception",
      "Failed to parse value [maybe] as only [true] or [false] are allowed.",
    );
    const started = Date.now();
    assert.equal((await query({ query: { wildcard: { name: `*${"a*".repeat(15)}b` } } })).total, 0);
    assert.ok(Date.now() - started < 3000, "a many-star wildcard stays fast");
  });
});
