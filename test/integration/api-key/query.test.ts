import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { as, assertError, createFixtures, createKey, type CreatedKey } from "./api-key-fixtures.js";

describe("API keys: _query/api_key through the service (scoping, rendering)", () => {
  let t: TestApp;
  const keys: CreatedKey[] = [];
  before(async () => {
    t = await startTestApp("ak_query", { failureRateLimit: false });
    await createFixtures(t);
    keys.push(await createKey(t, "owner", { name: "q-alpha", metadata: { env: "prod", level: 3 } }));
    keys.push(await createKey(t, "owner", { name: "q-beta", metadata: { env: "dev" }, expiration: "1d" }));
    keys.push(await createKey(t, "other", { name: "q-gamma", metadata: { env: "prod" } }));
    await t.request("DELETE", "/_security/api_key", { auth: as("other"), body: { owner: true } });
  });
  after(() => t.close());

  const names = (res: { body: { api_keys: Array<{ name: string }> } }) => res.body.api_keys.map((k) => k.name);

  it("an empty body (GET or POST) matches every key the caller may see", async () => {
    let res = await t.request("GET", "/_security/_query/api_key", { auth: as("reader") });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.total, 3);
    assert.equal(res.body.count, 3);
    assert.deepEqual(names(res).sort(), ["q-alpha", "q-beta", "q-gamma"]);
    res = await t.request("POST", "/_security/_query/api_key", { auth: as("owner"), body: {} });
    assert.deepEqual(names(res).sort(), ["q-alpha", "q-beta"], "manage_own_api_key sees only its own keys");
  });

  it("renders ApiKeyInfo like Get, with _sort when sorting and limited_by on request", async () => {
    const res = await t.request("POST", "/_security/_query/api_key?with_limited_by=true", {
      auth: as("reader"),
      body: {
        query: { bool: { must: [{ prefix: { name: "q-" } }, { term: { "metadata.env": "prod" } }] } },
        sort: [{ name: "desc" }],
        from: 0,
        size: 10,
      },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(names(res), ["q-gamma", "q-alpha"]);
    const [gamma, alpha] = res.body.api_keys;
    assert.deepEqual(gamma._sort, ["q-gamma"]);
    assert.equal(gamma.invalidated, true);
    assert.equal(typeof gamma.invalidation, "number");
    assert.deepEqual(alpha.metadata, { env: "prod", level: 3 });
    assert.deepEqual(Object.keys(alpha.limited_by[0]), ["own_keys", "index_reader"]);
    assert.ok(!("hash" in alpha) && !("api_key_hash" in alpha));
    const get = await t.request("GET", `/_security/api_key?id=${keys[0]?.id}&with_limited_by=true`, { auth: as("reader") });
    const { _sort: _ignored, ...withoutSort } = alpha;
    assert.deepEqual(withoutSort, get.body.api_keys[0]);
  });

  it("searches bare metadata values, expired/invalidated keys included, and aggregates", async () => {
    let res = await t.request("POST", "/_security/_query/api_key", { auth: as("reader"), body: { query: { term: { metadata: "prod" } } } });
    assert.deepEqual(names(res).sort(), ["q-alpha", "q-gamma"]);
    res = await t.request("POST", "/_security/_query/api_key?typed_keys=true", {
      auth: as("reader"),
      body: { size: 0, aggs: { by_user: { terms: { field: "username" } } } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.total, 3);
    assert.equal(res.body.count, 0);
    const buckets = res.body.aggregations["sterms#by_user"].buckets as Array<{ key: string; doc_count: number }>;
    assert.deepEqual(buckets, [
      { key: "owner", doc_count: 2 },
      { key: "other", doc_count: 1 },
    ]);
  });

  it("an API key sees only itself; with_limited_by needs manage_api_key for an API key", async () => {
    const res = await t.request("POST", "/_security/_query/api_key", { auth: { apiKey: keys[0]?.encoded as string }, body: {} });
    assert.deepEqual(names(res), ["q-alpha"]);
  });

  it("refuses unsupported queries and fields with Elasticsearch's messages", async () => {
    assertError(
      await t.request("POST", "/_security/_query/api_key", { auth: as("reader"), body: { query: { fuzzy: { name: "x" } } } }),
      400,
      "illegal_argument_exception",
      "Query type [fuzzy] is not currently supported in this context",
    );
    assertError(
      await t.request("POST", "/_security/_query/api_key", { auth: as("reader"), body: { query: { term: { api_key_hash: "x" } } } }),
      400,
      "illegal_argument_exception",
      "Field [api_key_hash] is not allowed for querying or aggregation",
    );
    assertError(
      await t.request("POST", "/_security/_query/api_key", { auth: as("reader"), body: { bogus: 1 } }),
      400,
      "x_content_parse_exception",
      "[query_api_key_request_payload] unknown field [bogus]",
    );
  });

  it("is the programmatic API too", async () => {
    const caller = await t.security.apiKeys.authenticationForKey(keys[0]?.id as string);
    const result = await t.security.apiKeys.query(caller, { query: { match_all: {} } });
    assert.deepEqual(
      result.api_keys.map((k) => k.name),
      ["q-alpha"],
    );
  });
});
