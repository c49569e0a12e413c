import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { mongo } from "mongoose";
import { SecurityError } from "../../../lib/support/security-error.js";
import { parseQueryApiKeysRequest, type QueryApiKeysParams } from "../../../lib/query/parse-query-request.js";
import { queryApiKeys, type QueryApiKeysResult, type StoredDocument } from "../../../lib/query/query-api-keys.js";
import { detectRegexDialect } from "../../../lib/store/api-key-query-runner.js";
import type { MongoFilter } from "../../../lib/query/mongo-filter.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";

const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = T0 + 5 * DAY;

interface Info {
  id: string;
  name: string | null;
  username: string;
  expiration?: number;
  invalidated: boolean;
  type: string;
  hasHash: boolean;
}

function render(doc: StoredDocument): Info {
  const creator = doc.creator as { principal: string };
  const info: Info = {
    id: String(doc._id),
    name: (doc.name as string | null | undefined) ?? null,
    username: creator.principal,
    invalidated: doc.invalidated === true,
    type: (doc.type as string | undefined) ?? "rest",
    hasHash: "hash" in doc,
  };
  if (typeof doc.expiration_time === "number") info.expiration = doc.expiration_time;
  return info;
}

function key(
  id: string,
  name: string | null,
  principal: string,
  creationHours: number,
  expiration: number | null,
  metadata: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const leaves: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(walk);
    else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") leaves.push(String(value));
  };
  walk(metadata);
  return {
    _id: id,
    doc_type: "api_key",
    type: "rest",
    name,
    creation_time: T0 + creationHours * HOUR,
    expiration_time: expiration,
    invalidated: false,
    invalidation_time: null,
    hash: "{SSHA256}secret-hash",
    role_descriptors: {},
    limited_by_role_descriptors: {},
    metadata: JSON.stringify(metadata),
    metadata_flattened: metadata,
    metadata_values: leaves,
    creator: { principal, full_name: null, email: null, metadata: {}, realm: "default_native", realm_type: "native" },
    version: 8_000_099,
    ...extra,
  };
}

const DOCS = [
  key("k01", "manager-api-key", "api_key_manager", 1, T0 + 10 * DAY + 1 * HOUR, { letter: "a", number: 42 }),
  key("k02", "user1-api-key", "api_key_user_1", 2, T0 + 1 * DAY + 2 * HOUR, { letter: "a", number: 1 }),
  key("k03", "user2-api-key", "api_key_user_2", 3, T0 + 1 * DAY + 3 * HOUR, { letter: "b", number: 42 }),
  key("k04", "svc-alpha", "svc_bot", 4, null, { env: "prod", tags: ["x", "y"] }),
  key("k05", "svc-beta", "svc_bot", 5, null, { env: "prod", owner: { team: "core" } }),
  key("k06", "svc-gamma", "svc_bot", 6, T0 + 2 * DAY, { env: "staging" }),
  key("k07", "svc-delta", "svc_bot", 7, T0 + 3 * DAY, { env: "dev", flag: true }),
  key("k08", "old-key", "alice", 8, T0 + 1 * DAY, {}, { invalidated: true, invalidation_time: T0 + 30 * HOUR }),
  key("k09", "old-key-2", "alice", 9, T0 + 2 * DAY, {}, { invalidated: true, invalidation_time: T0 + 40 * HOUR }),
  key("k10", "alice-ci", "alice", 10, null, { env: "ci", tier: "5" }),
  key("k11", "alice-deploy", "alice", 11, T0 + 20 * DAY, { env: "prod", tier: 5 }),
  key(
    "k12",
    "bob-1",
    "bob",
    12,
    T0 + 4 * DAY,
    {},
    { creator: { principal: "bob", full_name: "Bob", email: null, metadata: {}, realm: "ldap1", realm_type: "ldap" } },
  ),
  key(
    "k13",
    "bob-2",
    "bob",
    13,
    null,
    {},
    { creator: { principal: "bob", full_name: "Bob", email: null, metadata: {}, realm: "ldap1", realm_type: "ldap" } },
  ),
  key("k14", "remote-cluster", "admin", 14, null, {}, { type: "cross_cluster" }),
  key("k15", "legacy-key", "admin", 15, T0 + 6 * DAY, { legacy: "yes" }, { type: undefined }),
  key("k16", null, "admin", 16, null, {}),
  key("k17", "Mixed.Case(key)", "carol", 17, T0 + 7 * DAY, { path: "a/b" }),
  key("k18", "mixed.case(key)", "carol", 18, T0 + 8 * DAY, {}),
  key("k19", "a".repeat(3000), "carol", 19, null, {}),
  key("k20", "zeta", "dave", 20, T0 + 9 * DAY, { nested: { deep: { value: "x" } } }),
];
// `type: undefined` above: make k15 a legacy document with no type at all.
delete (DOCS[14] as Record<string, unknown>).type;

describe("queryApiKeys against the test server", () => {
  let db: TestDatabase;
  let collection: mongo.Collection<mongo.Document>;

  async function run(
    body: unknown,
    params: QueryApiKeysParams = {},
    scopeFilter: MongoFilter = {},
    max?: number,
  ): Promise<QueryApiKeysResult<Info>> {
    const request = parseQueryApiKeysRequest(body, params, NOW);
    return queryApiKeys(collection, request, { scopeFilter, now: NOW, render, maxAggregationDocuments: max });
  }
  const ids = (result: QueryApiKeysResult<Info>): string[] => result.api_keys.map((k) => k.id);

  before(async () => {
    db = await openTestDatabase("query api keys");
    collection = db.connection.collection("api_keys");
    await collection.insertMany(DOCS);
    await collection.insertOne({
      _id: "not-a-key" as unknown as mongo.ObjectId,
      doc_type: "other",
      name: "user9-api-key",
      creator: { principal: "x" },
    });
  });

  after(async () => {
    await db?.drop();
  });

  test("an empty body matches every API key (and only API keys)", async () => {
    const result = await run({});
    assert.equal(result.total, 20);
    assert.equal(result.count, 10);
    assert.deepEqual(ids(result), ["k01", "k02", "k03", "k04", "k05", "k06", "k07", "k08", "k09", "k10"]);
    assert.ok(
      result.api_keys.every((k) => !k.hasHash),
      "hash must never be read",
    );
    assert.ok(
      result.api_keys.every((k) => !("_sort" in k)),
      "no _sort without a sort",
    );
    assert.equal(result.aggregations, undefined);
    assert.equal((await run(undefined)).total, 20);
  });

  test("wildcard on name (20_query.yml)", async () => {
    const result = await run({ query: { wildcard: { name: "user*" } } });
    assert.equal(result.total, 2);
    assert.deepEqual(ids(result).sort(), ["k02", "k03"]);
  });

  test("bool + wildcard + term on username, sorted by name desc (60_admin_user.yml)", async () => {
    const result = await run({
      query: { bool: { must: [{ wildcard: { name: "*api-key" } }, { term: { username: "api_key_manager" } }] } },
      sort: [{ name: { order: "desc" } }],
    });
    assert.equal(result.total, 1);
    assert.deepEqual(ids(result), ["k01"]);
    assert.deepEqual(result.api_keys[0]?._sort, ["manager-api-key"]);
    const many = await run({
      query: { bool: { filter: { term: { username: "alice" } }, must_not: { term: { invalidated: true } } } },
      sort: "name",
    });
    assert.deepEqual(ids(many), ["k10", "k11"]);
  });

  test("sort by creation desc with from/size", async () => {
    const result = await run({ query: { wildcard: { name: "user*" } }, sort: [{ creation: { order: "desc" } }], from: 1, size: 1 });
    assert.equal(result.total, 2);
    assert.equal(result.count, 1);
    assert.deepEqual(ids(result), ["k02"]);
    assert.deepEqual(result.api_keys[0]?._sort, [T0 + 2 * HOUR]);
  });

  test("sort [expiration, username] with search_after paging (20_query.yml)", async () => {
    const body = { query: { wildcard: { name: "*-api-key" } }, sort: ["expiration", "username"], size: 1 };
    const first = await run(body);
    assert.equal(first.total, 3);
    assert.deepEqual(ids(first), ["k02"]);
    const s0 = first.api_keys[0]?._sort ?? [];
    assert.deepEqual(s0, [T0 + DAY + 2 * HOUR, "api_key_user_1"]);
    // The YAML test sends the values back as strings.
    const second = await run({ ...body, search_after: s0.map(String) });
    assert.equal(second.total, 3);
    assert.deepEqual(ids(second), ["k03"]);
    const third = await run({ ...body, search_after: second.api_keys[0]?._sort });
    assert.deepEqual(ids(third), ["k01"]);
    const done = await run({ ...body, search_after: third.api_keys[0]?._sort });
    assert.equal(done.total, 3);
    assert.equal(done.count, 0);
  });

  test("missing values sort last both ways, and search_after pages through them", async () => {
    const asc = await run({ sort: ["expiration", "_doc"], size: 100 });
    const ascIds = ids(asc);
    const noExpiry = ["k04", "k05", "k10", "k13", "k14", "k16", "k19"];
    assert.deepEqual(ascIds.slice(-7), noExpiry);
    assert.deepEqual(ascIds.slice(0, 3), ["k08", "k02", "k03"]);
    assert.deepEqual(asc.api_keys.at(-1)?._sort, [2 ** 63, "k19"]);
    const desc = await run({ sort: [{ expiration: "desc" }, "_doc"], size: 100 });
    assert.deepEqual(ids(desc).slice(0, 2), ["k11", "k01"]);
    assert.deepEqual(ids(desc).slice(-7), noExpiry);
    assert.deepEqual(desc.api_keys.at(-1)?._sort, [-(2 ** 63), "k19"]);
    const first = await run({ sort: [{ expiration: { order: "asc", missing: "_first" } }, "_doc"], size: 2 });
    assert.deepEqual(ids(first), ["k04", "k05"]);

    // Page 3 at a time with search_after and compare with the one-shot order.
    for (const sort of [
      ["expiration", "_doc"],
      [{ expiration: "desc" }, "_doc"],
      [{ name: "asc" }, "_doc"],
      [{ type: "desc" }, { "metadata.env": "asc" }, "_doc"],
    ]) {
      const whole = ids(await run({ sort, size: 100 }));
      assert.equal(whole.length, 20);
      const paged: string[] = [];
      let cursor: unknown[] | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await run(cursor ? { sort, size: 3, search_after: cursor } : { sort, size: 3 });
        paged.push(...ids(page));
        if (page.count < 3) break;
        cursor = page.api_keys.at(-1)?._sort;
      }
      assert.deepEqual(paged, whole, `paging with sort ${JSON.stringify(sort)}`);
    }
  });

  test("date formats in _sort, and from/size across partitions", async () => {
    const result = await run({ query: { ids: { values: ["k02", "k04"] } }, sort: [{ expiration: { format: "date_time" } }] });
    assert.deepEqual(
      result.api_keys.map((k) => k._sort),
      [["2024-01-02T02:00:00.000Z"], ["+292278994-08-17T07:12:55.807Z"]],
    );
    const page = await run({ sort: "expiration", from: 12, size: 4 });
    assert.deepEqual(ids(page), ["k11", "k04", "k05", "k10"]);
  });

  test("metadata: paths match flattened-keyword style, bare metadata searches every leaf", async () => {
    const numbers = await run({ query: { term: { "metadata.number": "42" } } });
    assert.deepEqual(ids(numbers).sort(), ["k01", "k03"]);
    const tier = await run({ query: { terms: { "metadata.tier": [5] } } });
    assert.deepEqual(ids(tier).sort(), ["k10", "k11"]);
    assert.deepEqual(ids(await run({ query: { term: { "metadata.owner.team": "core" } } })), ["k05"]);
    assert.deepEqual(ids(await run({ query: { term: { "metadata.tags": "y" } } })), ["k04"]);
    assert.deepEqual(ids(await run({ query: { term: { "metadata.flag": "true" } } })), ["k07"]);
    assert.deepEqual(ids(await run({ query: { term: { metadata: "core" } } })), ["k05"]);
    assert.deepEqual(ids(await run({ query: { exists: { field: "metadata.owner" } } })), []);
    assert.deepEqual(ids(await run({ query: { exists: { field: "metadata.nested.deep.value" } } })), ["k20"]);
    assert.deepEqual(ids(await run({ query: { prefix: { "metadata.env": "st" } } })), ["k06"]);
    assert.equal((await run({ query: { exists: { field: "metadata" } } })).total, 12);
  });

  test("type: legacy documents without a type are rest", async () => {
    const rest = await run({ query: { term: { type: "rest" } }, size: 100 });
    assert.equal(rest.total, 19);
    assert.ok(ids(rest).includes("k15"));
    assert.deepEqual(ids(await run({ query: { term: { type: "cross_cluster" } } })), ["k14"]);
    const sorted = await run({ query: { terms: { name: ["legacy-key", "remote-cluster"] } }, sort: "type" });
    assert.deepEqual(
      sorted.api_keys.map((k) => [k.id, k._sort]),
      [
        ["k14", ["cross_cluster"]],
        ["k15", ["rest"]],
      ],
    );
  });

  test("case-insensitive terms, escaped regexes, ranges, simple_query_string", async () => {
    assert.deepEqual(ids(await run({ query: { term: { name: { value: "MIXED.CASE(KEY)", case_insensitive: true } } } })).sort(), [
      "k17",
      "k18",
    ]);
    assert.deepEqual(ids(await run({ query: { term: { name: "Mixed.Case(key)" } } })), ["k17"]);
    assert.deepEqual(ids(await run({ query: { wildcard: { name: "mixed.case(*)" } } })), ["k18"]);
    assert.deepEqual(ids(await run({ query: { wildcard: { name: "mixed?case*" } } })), ["k18"]);
    assert.deepEqual(ids(await run({ query: { wildcard: { name: "mixedXcase*" } } })), []);
    const expiring = await run({ query: { range: { expiration: { gte: "2024-01-02", lt: "2024-01-03" } } }, sort: "expiration" });
    assert.deepEqual(ids(expiring), ["k08", "k02", "k03"]);
    assert.equal((await run({ query: { range: { creation: { gte: "now-5d/d" } } } })).total, 20);
    // `gt` rounds up: after the end of that day
    assert.equal((await run({ query: { range: { creation: { gt: "now-5d/d" } } } })).total, 0);
    const future = await run({ query: { range: { expiration: { gt: "now" } } } });
    assert.deepEqual(ids(future).sort(), ["k01", "k11", "k17", "k18", "k20", "k15"].sort());
    const sqs = await run({
      query: { simple_query_string: { query: "prod -svc*", fields: ["metadata", "name"], default_operator: "and" } },
    });
    assert.deepEqual(ids(sqs), ["k11"]);
    const anyField = await run({ query: { simple_query_string: { query: "bob | ldap1" } } });
    assert.deepEqual(ids(anyField), ["k12", "k13"]);
  });

  test("the regex dialect is detected from the server", async () => {
    const dialect = await detectRegexDialect(collection);
    const server = process.env.KEYGUARD_TEST_SERVER;
    if (server === "ferretdb") assert.equal(dialect, "portable");
    else if (server === "mongod") assert.equal(dialect, "pcre");
    else assert.ok(dialect === "portable" || dialect === "pcre");
    assert.equal(await detectRegexDialect(collection), dialect, "remembered");
    // Multi-star patterns work in the detected dialect.
    assert.deepEqual(ids(await run({ query: { wildcard: { name: "*a*-*key" } } })).sort(), ["k01", "k02", "k03", "k15"]);
    assert.deepEqual(ids(await run({ query: { wildcard: { name: "*m*r*-*key" } } })), ["k01"]);
    assert.deepEqual(ids(await run({ query: { wildcard: { name: "u*1*api*" } } })), ["k02"]);
  });

  test("the dialect probe of an empty collection is not remembered: multi-star wildcards work once keys exist", async () => {
    const fresh = db.connection.collection("api_keys_dialect_probe") as unknown as mongo.Collection<mongo.Document>;
    // Nothing for the probe to meet: the portable dialect, valid on every server.
    assert.equal(await detectRegexDialect(fresh), "portable");
    await fresh.insertOne(key("p01", "alpha-bravo-key", "alice", 1, null, {}));
    const request = parseQueryApiKeysRequest({ query: { wildcard: { name: "*a*b*-*key" } } }, {}, NOW);
    // Were the first answer remembered, FerretDB would now be sent an atomic group and fail.
    const result = await queryApiKeys(fresh, request, { scopeFilter: {}, now: NOW, render });
    assert.deepEqual(
      result.api_keys.map((info) => info.id),
      ["p01"],
    );
    const dialect = await detectRegexDialect(fresh);
    if (process.env.KEYGUARD_TEST_SERVER === "ferretdb") assert.equal(dialect, "portable");
    else if (process.env.KEYGUARD_TEST_SERVER === "mongod") assert.equal(dialect, "pcre");
  });

  test("a pathological wildcard finishes fast", async () => {
    const started = Date.now();
    const result = await run({ query: { wildcard: { name: `a${"*".repeat(500)}a${"*".repeat(400)}b` } } });
    assert.equal(result.total, 0);
    const nested = await run({ query: { wildcard: { name: "*a*a*a*a*a*a*a*a*a*a*a*a*b" } } });
    assert.equal(nested.total, 0);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  test("the scope filter restricts hits, totals and aggregations", async () => {
    const scope = { "creator.principal": { $eq: "alice" } };
    const result = await run({ size: 100, aggs: { names: { terms: { field: "name" } } } }, {}, scope);
    assert.equal(result.total, 4);
    assert.deepEqual(ids(result), ["k08", "k09", "k10", "k11"]);
    const buckets = (result.aggregations?.names as { buckets: Array<{ key: string }> }).buckets;
    assert.deepEqual(
      buckets.map((b) => b.key),
      ["alice-ci", "alice-deploy", "old-key", "old-key-2"],
    );
  });

  test("size 0 + composite terms on name (21_query_with_aggs.yml)", async () => {
    const result = await run({
      query: { wildcard: { name: "*-api-key" } },
      size: 0,
      aggs: { my_buckets: { composite: { sources: [{ key_name: { terms: { field: "name" } } }] } } },
    });
    assert.equal(result.total, 3);
    assert.equal(result.count, 0);
    assert.deepEqual(result.api_keys, []);
    assert.deepEqual(result.aggregations, {
      my_buckets: {
        after_key: { key_name: "user2-api-key" },
        buckets: [
          { key: { key_name: "manager-api-key" }, doc_count: 1 },
          { key: { key_name: "user1-api-key" }, doc_count: 1 },
          { key: { key_name: "user2-api-key" }, doc_count: 1 },
        ],
      },
    });
    const sources = [{ u: { terms: { field: "username" } } }, { t: { terms: { field: "type", order: "desc" } } }];
    const first = await run({ size: 0, aggs: { users: { composite: { size: 3, sources } } } });
    assert.deepEqual(first.aggregations, {
      users: {
        after_key: { u: "alice", t: "rest" },
        buckets: [
          { key: { u: "admin", t: "rest" }, doc_count: 2 },
          { key: { u: "admin", t: "cross_cluster" }, doc_count: 1 },
          { key: { u: "alice", t: "rest" }, doc_count: 4 },
        ],
      },
    });
    const next = await run({ size: 0, aggs: { users: { composite: { size: 2, sources, after: { u: "api_key_user_2", t: "rest" } } } } });
    assert.deepEqual(next.aggregations, {
      users: {
        after_key: { u: "carol", t: "rest" },
        buckets: [
          { key: { u: "bob", t: "rest" }, doc_count: 2 },
          { key: { u: "carol", t: "rest" }, doc_count: 3 },
        ],
      },
    });
  });

  test("terms, range, date_range, missing, cardinality, value_count, filter(s), typed_keys", async () => {
    const result = await run(
      {
        size: 0,
        aggregations: {
          users: {
            terms: { field: "username", size: 3 },
            aggs: { names: { cardinality: { field: "name" } }, live: { filter: { term: { invalidated: false } } } },
          },
          expiry: {
            range: {
              field: "expiration",
              ranges: [{ to: T0 + 2 * DAY }, { from: T0 + 2 * DAY, to: T0 + 7 * DAY, key: "soon" }, { from: T0 + 7 * DAY }],
            },
          },
          created: { date_range: { field: "creation", format: "yyyy-MM-dd", ranges: [{ from: "2024-01-01", to: "now" }] } },
          no_expiry: { missing: { field: "expiration" } },
          envs: { terms: { field: "metadata.env" } },
          tiers: { value_count: { field: "metadata.tier" } },
          invalid: { terms: { field: "invalidated" } },
          states: { filters: { filters: { valid: { term: { invalidated: false } }, gone: { term: { invalidated: true } } } } },
          anon: { filters: { filters: [{ term: { type: "cross_cluster" } }], other_bucket: true } },
        },
      },
      { typed_keys: "true" },
    );
    assert.equal(result.total, 20);
    const aggs = result.aggregations ?? {};
    assert.deepEqual(aggs["sterms#users"], {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: 9,
      buckets: [
        { key: "alice", doc_count: 4, "cardinality#names": { value: 4 }, "filter#live": { doc_count: 2 } },
        { key: "svc_bot", doc_count: 4, "cardinality#names": { value: 4 }, "filter#live": { doc_count: 4 } },
        { key: "admin", doc_count: 3, "cardinality#names": { value: 2 }, "filter#live": { doc_count: 3 } },
      ],
    });
    assert.deepEqual(aggs["range#expiry"], {
      buckets: [
        { key: "*-2024-01-03T00:00:00.000Z", to: T0 + 2 * DAY, to_as_string: "2024-01-03T00:00:00.000Z", doc_count: 3 },
        {
          key: "soon",
          from: T0 + 2 * DAY,
          from_as_string: "2024-01-03T00:00:00.000Z",
          to: T0 + 7 * DAY,
          to_as_string: "2024-01-08T00:00:00.000Z",
          doc_count: 5,
        },
        { key: "2024-01-08T00:00:00.000Z-*", from: T0 + 7 * DAY, from_as_string: "2024-01-08T00:00:00.000Z", doc_count: 5 },
      ],
    });
    assert.deepEqual(aggs["date_range#created"], {
      buckets: [
        { key: "2024-01-01-2024-01-06", from: T0, from_as_string: "2024-01-01", to: NOW, to_as_string: "2024-01-06", doc_count: 20 },
      ],
    });
    assert.deepEqual(aggs["missing#no_expiry"], { doc_count: 7 });
    assert.deepEqual(aggs["sterms#envs"], {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: 0,
      buckets: [
        { key: "prod", doc_count: 3 },
        { key: "ci", doc_count: 1 },
        { key: "dev", doc_count: 1 },
        { key: "staging", doc_count: 1 },
      ],
    });
    assert.deepEqual(aggs["value_count#tiers"], { value: 2 });
    assert.deepEqual(aggs["lterms#invalid"], {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: 0,
      buckets: [
        { key: 0, key_as_string: "false", doc_count: 18 },
        { key: 1, key_as_string: "true", doc_count: 2 },
      ],
    });
    assert.deepEqual(aggs["filters#states"], { buckets: { gone: { doc_count: 2 }, valid: { doc_count: 18 } } });
    assert.deepEqual(aggs["filters#anon"], { buckets: [{ doc_count: 1 }, { key: "_other_", doc_count: 19 }] });
  });

  test("aggregations refuse more documents than the cap", async () => {
    await assert.rejects(
      run({ size: 0, aggs: { n: { terms: { field: "name" } } } }, {}, {}, 5),
      (error: unknown) => error instanceof SecurityError && error.status === 400 && /limited to \[5\]/.test(error.reason),
    );
  });

  test("bad input never reaches the server as an operator", async () => {
    for (const body of [
      { query: { term: { name: { $gt: "" } } } },
      { query: { $where: "sleep(10)" } },
      { query: { term: { "metadata.$gt": "1" } } },
      { sort: [{ $natural: "asc" }] },
      { search_after: [{ $gt: "" }], sort: ["name"] },
      { aggs: { x: { terms: { field: { $gt: "" } } } } },
    ]) {
      await assert.rejects(run(body), (error: unknown) => error instanceof SecurityError && error.status === 400, JSON.stringify(body));
    }
  });
});
