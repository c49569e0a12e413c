import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ApiKeyUsageDoc } from "../../../lib/store/store-documents.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { startTestApp, type HttpResult, type TestApp } from "../../support/test-app.js";
import { as, assertKeyRefused, createFixtures, createKey, eventually, sleep, type CreatedKey } from "./api-key-fixtures.js";

// Flushes only when a test asks (and on close): the assertions below are exact.
const OPTIONS = { failureRateLimit: false as const, eventsPollInterval: "200ms", apiKeys: { usageFlushInterval: "1h" } };
const USAGE = "security_api_key_usage";
const KEYS = "security_api_keys";

interface KeyInfo {
  id: string;
  name: string;
  last_used?: number;
  use_count?: number;
  invalidated: boolean;
  _sort?: unknown[];
}

describe("API keys: last-used tracking across two instances", () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    db = await openTestDatabase("ak_usage");
    a = await startTestApp("ak_usage", OPTIONS, undefined, db);
    b = await startTestApp("ak_usage", OPTIONS, undefined, db);
    await createFixtures(a);
  });
  after(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  const use = async (t: TestApp, key: CreatedKey, headers?: Record<string, string>) => {
    const res = await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded }, ...(headers ? { headers } : {}) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  const getKey = async (t: TestApp, id: string): Promise<KeyInfo> => {
    const res = await t.request("GET", `/_security/api_key?id=${id}`, { auth: as("reader") });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.api_keys.length, 1);
    return res.body.api_keys[0] as KeyInfo;
  };
  const query = async (body: unknown): Promise<HttpResult> => {
    const res = await a.request("POST", "/_security/_query/api_key", { auth: as("reader"), body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res;
  };
  const names = (res: HttpResult) => (res.body.api_keys as KeyInfo[]).map((k) => k.name);

  it("Get shows last_used = the max and use_count = the sum of both instances' flushes", async () => {
    const key = await createKey(a, "owner", { name: "usage-two" });
    const before = await getKey(a, key.id);
    assert.equal("last_used" in before, false, "a key never used has no last_used");
    assert.equal("use_count" in before, false);

    await use(a, key); // a created the key: a cache hit (the synchronous path)
    await use(b, key); // b: database read and hash verification
    await use(a, key);
    await use(b, key); // cache hits from here on
    await use(b, key);
    // The asynchronous authenticate() path with a cache hit (as taken with run-as or a secondary credential).
    await use(b, key, { "es-secondary-authorization": `ApiKey ${key.encoded}` });
    const onA = a.core.apiKeys.usage?.pendingFor(key.id);
    const onB = b.core.apiKeys.usage?.pendingFor(key.id);
    assert.equal(onA?.count, 2);
    assert.equal(onB?.count, 5, "three primary uses and one primary + one secondary use");
    assert.ok(onA && onB);

    // Both flush at once: they take turns on the flush lease, and combine.
    await Promise.all([a.core.apiKeys.flushUsage(), b.core.apiKeys.flushUsage()]);
    const flushed = await getKey(a, key.id);
    assert.equal(flushed.last_used, Math.max(onA.lastUsed, onB.lastUsed));
    assert.equal(flushed.use_count, 7);
    assert.deepEqual(await getKey(b, key.id), flushed, "every instance reads the same stored usage");

    await use(a, key);
    const later = a.core.apiKeys.usage?.pendingFor(key.id);
    await a.core.apiKeys.flushUsage();
    const again = await getKey(b, key.id);
    assert.equal(again.use_count, 8);
    assert.equal(again.last_used, Math.max(flushed.last_used ?? 0, later?.lastUsed ?? 0));

    // Stored apart: the key document itself never carries usage (see api-key-usage-store.ts).
    const doc = await db.connection.collection(KEYS).findOne({ _id: key.id } as never);
    assert.ok(doc);
    assert.equal("last_used" in doc, false);
    assert.equal("use_count" in doc, false);
    const usage = await db.connection.collection<ApiKeyUsageDoc>(USAGE).findOne({ _id: key.id });
    assert.deepEqual(usage, { _id: key.id, last_used: again.last_used, use_count: 8 });
  });

  it("a failed authentication is not a use", async () => {
    const key = await createKey(a, "owner", { name: "usage-wrong-secret" });
    const wrong = Buffer.from(`${key.id}:${key.api_key.slice(0, -1)}${key.api_key.endsWith("A") ? "B" : "A"}`).toString("base64");
    const res = await b.request("GET", "/_security/_authenticate", { auth: { apiKey: wrong } });
    assert.equal(res.status, 401);
    assert.equal(b.core.apiKeys.usage?.pendingFor(key.id), undefined);
  });

  describe("_query/api_key on last_used", () => {
    const used: CreatedKey[] = [];
    const times: number[] = [];
    before(async () => {
      await createKey(a, "owner", { name: "usage-q-0" }); // a key never used
      for (let i = 1; i <= 3; i++) used.push(await createKey(a, "owner", { name: `usage-q-${i}` }));
      await use(b, used[0] as CreatedKey);
      for (const key of used) {
        await sleep(3); // distinct milliseconds
        await use(a, key);
      }
      await Promise.all([a.core.apiKeys.flushUsage(), b.core.apiKeys.flushUsage()]);
      for (const key of used) {
        const info = await getKey(a, key.id);
        assert.equal(typeof info.last_used, "number");
        times.push(info.last_used as number);
      }
      assert.ok((times[0] as number) < (times[1] as number) && (times[1] as number) < (times[2] as number), JSON.stringify(times));
    });
    const scope = { prefix: { name: "usage-q-" } };
    const t = (i: number) => times[i - 1] as number;

    it("returns last_used and use_count on hits, and nothing for a key never used", async () => {
      const res = await query({ query: scope, sort: ["name"] });
      const hits = res.body.api_keys as KeyInfo[];
      assert.deepEqual(
        hits.map((k) => [k.name, k.last_used, k.use_count]),
        [
          ["usage-q-0", undefined, undefined],
          ["usage-q-1", t(1), 2],
          ["usage-q-2", t(2), 1],
          ["usage-q-3", t(3), 1],
        ],
      );
      assert.equal("last_used" in (hits[0] as KeyInfo), false);
    });

    it("sorts by last_used both ways, never-used keys last", async () => {
      assert.deepEqual(names(await query({ query: scope, sort: [{ last_used: "desc" }] })), [
        "usage-q-3",
        "usage-q-2",
        "usage-q-1",
        "usage-q-0",
      ]);
      const asc = await query({ query: scope, sort: [{ last_used: { order: "asc" } }] });
      assert.deepEqual(names(asc), ["usage-q-1", "usage-q-2", "usage-q-3", "usage-q-0"]);
      assert.deepEqual(
        (asc.body.api_keys as KeyInfo[]).map((k) => k._sort?.[0]),
        [t(1), t(2), t(3), 2 ** 63],
      );
      assert.equal(asc.body.total, 4);
      const first = await query({ query: scope, sort: [{ last_used: { order: "desc", missing: "_first" } }], size: 2 });
      assert.deepEqual(names(first), ["usage-q-0", "usage-q-3"]);
      assert.equal(first.body.total, 4);
    });

    it("pages with search_after through a last_used sort", async () => {
      for (const sort of [
        [{ last_used: "asc" }, "_doc"],
        [{ last_used: "desc" }, "_doc"],
        [{ last_used: "desc" }, { name: "asc" }],
      ]) {
        const all = names(await query({ query: scope, sort }));
        const paged: string[] = [];
        let after: unknown[] | undefined;
        for (let page = 0; page < 10; page++) {
          const res = await query({ query: scope, sort, size: 1, ...(after ? { search_after: after } : {}) });
          if (res.body.api_keys.length === 0) break;
          paged.push(...names(res));
          // Back through JSON, as a client sends it (Long.MAX_VALUE included).
          after = JSON.parse(JSON.stringify(res.body.api_keys[0]._sort)) as unknown[];
        }
        assert.deepEqual(paged, all, JSON.stringify(sort));
        assert.equal(paged.length, 4);
      }
    });

    it("filters with range, term and exists, alone and combined with other fields", async () => {
      const match = async (q: unknown) => names(await query({ query: { bool: { filter: [scope, q] } }, sort: ["name"] }));
      assert.deepEqual(await match({ range: { last_used: { gte: t(2) } } }), ["usage-q-2", "usage-q-3"]);
      assert.deepEqual(await match({ range: { last_used: { gt: t(1), lt: t(3) } } }), ["usage-q-2"]);
      assert.deepEqual(await match({ range: { last_used: { lte: t(1) } } }), ["usage-q-1"]);
      assert.deepEqual(await match({ range: { last_used: { gte: "now-1h" } } }), ["usage-q-1", "usage-q-2", "usage-q-3"]);
      assert.deepEqual(await match({ term: { last_used: t(3) } }), ["usage-q-3"]);
      assert.deepEqual(await match({ terms: { last_used: [t(1), t(3)] } }), ["usage-q-1", "usage-q-3"]);
      assert.deepEqual(await match({ exists: { field: "last_used" } }), ["usage-q-1", "usage-q-2", "usage-q-3"]);
      assert.deepEqual(await match({ simple_query_string: { query: String(t(2)), fields: ["last_used"] } }), ["usage-q-2"]);
      assert.deepEqual(await match({ bool: { must_not: { exists: { field: "last_used" } } } }), ["usage-q-0"]);
      assert.deepEqual(await match({ bool: { must_not: { range: { last_used: { gte: t(2) } } } } }), ["usage-q-0", "usage-q-1"]);
      assert.deepEqual(await match({ bool: { should: [{ term: { name: "usage-q-0" } }, { range: { last_used: { gte: t(3) } } }] } }), [
        "usage-q-0",
        "usage-q-3",
      ]);
      const counted = await query({ query: { bool: { filter: [scope, { range: { last_used: { gte: t(2) } } }] } }, size: 0 });
      assert.equal(counted.body.total, 2);
      assert.equal(counted.body.count, 0);
    });

    it("aggregates on last_used", async () => {
      const res = await query({
        query: scope,
        size: 0,
        aggs: {
          never: { missing: { field: "last_used" } },
          used: { value_count: { field: "last_used" } },
          recent: { filter: { range: { last_used: { gte: t(2) } } } },
        },
      });
      assert.equal(res.body.aggregations.never.doc_count, 1);
      assert.equal(res.body.aggregations.used.value, 3);
      assert.equal(res.body.aggregations.recent.doc_count, 2);
    });

    it("keeps the allow-list: use_count is not a query field, and values stay values", async () => {
      for (const body of [
        { query: { range: { use_count: { gte: 1 } } } },
        { query: { term: { last_used: { $gt: 0 } } } },
        { query: { range: { last_used: { gte: { $gt: 0 } } } } },
      ]) {
        const res = await a.request("POST", "/_security/_query/api_key", { auth: as("reader"), body });
        assert.equal(res.status, 400, JSON.stringify(res.body));
      }
    });

    it("scopes to the caller's own keys like any other field", async () => {
      const res = await a.request("POST", "/_security/_query/api_key", {
        auth: as("other"),
        body: { query: { exists: { field: "last_used" } } },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.total, 0, "manage_own_api_key sees only its own keys, none of them used");
    });
  });

  it("a usage flush never undoes an invalidation (keys invalidated while both instances flush)", async () => {
    const n = 16;
    const keys: CreatedKey[] = [];
    for (let i = 0; i < n; i++) keys.push(await createKey(a, "owner", { name: `usage-race-${i}` }));
    for (const key of keys) await use(b, key);
    let stop = false;
    let flushes = 0;
    const errors: unknown[] = [];
    const hammer = async (t: TestApp) => {
      const service = t.core.apiKeys;
      while (!stop) {
        for (const key of keys) service.usage?.record(key.id, Date.now());
        await service.flushUsage();
        if (service.usage?.lastError !== undefined) errors.push(service.usage.lastError);
        flushes++;
      }
    };
    const flushing = Promise.all([hammer(a), hammer(b)]);
    await sleep(20);
    const results = await Promise.all(
      keys.map((key) => a.request("DELETE", "/_security/api_key", { auth: as("owner"), body: { ids: [key.id], owner: true } })),
    );
    await sleep(50);
    stop = true;
    await flushing;
    assert.ok(flushes >= 2, `flushes raced the invalidations (${flushes})`);
    assert.deepEqual(errors, [], "every flush wrote");
    for (const [i, res] of results.entries()) {
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.invalidated_api_keys, [keys[i]?.id]);
    }
    const ids = keys.map((k) => k.id);
    const docs = await db.connection
      .collection(KEYS)
      .find({ _id: { $in: ids } } as never)
      .toArray();
    assert.equal(docs.length, n);
    assert.ok(
      docs.every((doc) => doc.invalidated === true),
      "every invalidation stuck",
    );
    assert.equal(await db.connection.collection(USAGE).countDocuments({ _id: { $in: ids } } as never), n, "usage was written meanwhile");
    for (const key of keys) {
      assertKeyRefused(
        await a.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } }),
        `api key [${key.id}] has been invalidated`,
      );
    }
    // The invalidations ran in parallel, so their journal events reach B in any order and over
    // several polls: wait until B refuses every key, then check each refusal's reason.
    await eventually(async () => {
      const statuses = await Promise.all(
        keys.map((key) => b.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })),
      );
      return statuses.every((res) => res.status === 401);
    }, 5000);
    for (const key of keys) {
      assertKeyRefused(
        await b.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } }),
        `api key [${key.id}] has been invalidated`,
      );
    }
  });

  it("close() flushes, and an instance with tracking off records nothing but still shows stored usage", async () => {
    const key = await createKey(a, "owner", { name: "usage-close" });
    const c = await startTestApp("ak_usage", { ...OPTIONS, apiKeys: { usageFlushInterval: false } }, undefined, db);
    const d = await startTestApp("ak_usage", OPTIONS, undefined, db);
    try {
      assert.equal(c.core.apiKeys.usage, undefined);
      await use(c, key);
      await use(d, key);
      await use(d, key);
    } finally {
      await d.close();
    }
    const info = await getKey(c, key.id);
    assert.equal(info.use_count, 2, "d's two uses, flushed by close(); none from c");
    assert.equal(typeof info.last_used, "number");
    await c.close();
  });
});

describe("API keys: the remover deletes the usage of the keys it deletes", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp("ak_usage_rm", { failureRateLimit: false, apiKeys: { usageFlushInterval: "1h", retention: "0ms" } });
  });
  after(() => t.close());

  it("drops the usage row with its key", async () => {
    const kept = await createKey(t, "elastic", { name: "usage-kept" });
    const gone = await createKey(t, "elastic", { name: "usage-gone" });
    for (const key of [kept, gone]) {
      const res = await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } });
      assert.equal(res.status, 200);
    }
    await t.core.apiKeys.flushUsage();
    const usage = t.db.connection.collection(USAGE);
    assert.equal(await usage.countDocuments({}), 2);
    const res = await t.admin("DELETE", "/_security/api_key", { ids: [gone.id] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // The invalidation triggers the remover; with no retention it deletes the key at once.
    await eventually(async () => (await usage.countDocuments({ _id: gone.id } as never)) === 0, 10_000);
    assert.equal(await t.db.connection.collection(KEYS).countDocuments({ _id: gone.id } as never), 0);
    assert.deepEqual(
      (await usage.find({}).toArray()).map((doc) => doc._id),
      [kept.id],
    );
  });
});
