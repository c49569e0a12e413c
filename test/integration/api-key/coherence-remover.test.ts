import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LeaseStore } from "../../../lib/store/lease-store.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { as, assertKeyRefused, createFixtures, createKey, eventually, sleep } from "./api-key-fixtures.js";

const FAST = { failureRateLimit: false as const, eventsPollInterval: "200ms" };

describe("API keys: caches, two instances, hash formats, remover", () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    db = await openTestDatabase("ak_coherence");
    a = await startTestApp("ak_coherence", FAST, undefined, db);
    b = await startTestApp("ak_coherence", FAST, undefined, db);
    await createFixtures(a);
  });
  after(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  it("a cache hit costs no database read and no hash verification", async () => {
    const service = b.core.apiKeys;
    const key = await createKey(a, "owner", { name: "hot" });
    let reads = 0;
    let verifies = 0;
    const store = service.store;
    const get = store.get.bind(store);
    store.get = async (id: string) => {
      reads++;
      return get(id);
    };
    const hasher = service.hasher;
    const verify = hasher.verify.bind(hasher);
    hasher.verify = async (secret: string, stored: string) => {
      verifies++;
      return verify(secret, stored);
    };
    try {
      assert.equal((await b.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status, 200);
      assert.deepEqual([reads, verifies], [1, 1]);
      for (let i = 0; i < 20; i++)
        assert.equal((await b.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status, 200);
      assert.deepEqual([reads, verifies], [1, 1], "20 more requests, all from the cache");

      // Measured hot path: the authenticator alone, cache hit.
      const credentials = { scheme: "apikey" as const, id: key.id, secret: key.api_key };
      const info = { uri: "/", request: {} };
      const n = 20_000;
      const started = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await service.authenticator.authenticate(credentials, info);
      const perOpUs = Number(process.hrtime.bigint() - started) / n / 1000;
      assert.deepEqual([reads, verifies], [1, 1]);
      assert.ok(perOpUs < 200, `cache-hit authentication took ${perOpUs.toFixed(2)} µs`);
      process.stdout.write(`# api-key cache-hit authentication: ${perOpUs.toFixed(2)} µs/op\n`);

      // A creating instance pre-warms its cache: no read, no verify on its first use.
      const own = await createKey(b, "owner", { name: "prewarmed" });
      const [r0, v0] = [reads, verifies];
      assert.equal((await b.request("GET", "/_security/_authenticate", { auth: { apiKey: own.encoded } })).status, 200);
      assert.deepEqual([reads, verifies], [r0, v0]);
    } finally {
      delete (store as { get?: unknown }).get;
      delete (hasher as { verify?: unknown }).verify;
    }
  });

  it("a key invalidated through instance A is refused by instance B within 2 s (and by A at once)", async () => {
    const key = await createKey(a, "owner", { name: "coherent" });
    assert.equal((await b.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status, 200);
    assert.equal((await a.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status, 200);
    const res = await a.request("DELETE", "/_security/api_key", { auth: as("owner"), body: { ids: [key.id], owner: true } });
    assert.deepEqual(res.body.invalidated_api_keys, [key.id]);
    assertKeyRefused(
      await a.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } }),
      `api key [${key.id}] has been invalidated`,
    );
    const took = await eventually(
      async () => (await b.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status === 401,
      2000,
      20,
    );
    process.stdout.write(`# invalidation reached instance B after ${took} ms\n`);
    assertKeyRefused(
      await b.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } }),
      `api key [${key.id}] has been invalidated`,
    );
  });

  it("an update through A changes B's answers within 2 s", async () => {
    const key = await createKey(a, "owner", { name: "coherent-update" });
    const canRead = async () =>
      (
        await b.request("POST", "/_security/user/_has_privileges", {
          auth: { apiKey: key.encoded },
          body: { index: [{ names: ["index-a"], privileges: ["read"] }] },
        })
      ).body.index["index-a"].read;
    assert.equal(await canRead(), true);
    const res = await a.request("PUT", `/_security/api_key/${key.id}`, {
      auth: as("owner"),
      body: { role_descriptors: { none: { indices: [{ names: ["index-z"], privileges: ["read"] }] } } },
    });
    assert.deepEqual(res.body, { updated: true });
    await eventually(async () => (await canRead()) === false, 2000, 20);
  });

  it("clear_cache through A empties B's cache", async () => {
    const key = await createKey(a, "owner", { name: "cached" });
    assert.equal((await b.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status, 200);
    assert.ok(b.core.apiKeys.cache.size > 0);
    const res = await a.request("POST", "/_security/api_key/*/_clear_cache", { auth: as("security") });
    assert.equal(res.status, 200);
    await eventually(async () => b.core.apiKeys.cache.size === 0, 2000, 20);
  });

  it("verifies {PBKDF2} and bcrypt hashes, also mixed with {SSHA256} ones in one collection", async () => {
    const pbkdf2 = await startTestApp("ak_coherence", { ...FAST, apiKeys: { hashAlgorithm: "pbkdf2" } }, undefined, db);
    const bcrypt = await startTestApp("ak_coherence", { ...FAST, apiKeys: { hashAlgorithm: "bcrypt", cacheTtl: 0 } }, undefined, db);
    try {
      const p = await createKey(pbkdf2, "owner", { name: "pbkdf2-key" });
      const c = await createKey(bcrypt, "owner", { name: "bcrypt-key" });
      const s = await createKey(a, "owner", { name: "ssha-key" });
      const hashOf = async (id: string) =>
        String((await db.connection.collection("security_api_keys").findOne({ _id: id } as never))?.hash);
      assert.match(await hashOf(p.id), /^\{PBKDF2\}10000\$[A-Za-z0-9+/]{43}=\$[A-Za-z0-9+/]{43}=$/);
      assert.match(await hashOf(c.id), /^\$2[aby]\$04\$/);
      assert.match(await hashOf(s.id), /^\{SSHA256\}[A-Za-z0-9+/]{11}=[A-Za-z0-9+/]{43}=$/);
      for (const app of [a, b, pbkdf2, bcrypt]) {
        for (const key of [p, c, s]) {
          assert.equal((await app.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status, 200);
          const wrong = Buffer.from(`${key.id}:${"x".repeat(22)}`).toString("base64");
          assertKeyRefused(
            await app.request("GET", "/_security/_authenticate", { auth: { apiKey: wrong } }),
            `invalid credentials for API key [${key.id}]`,
          );
        }
      }
      assert.equal(bcrypt.core.apiKeys.cache.size, 0, "cacheTtl 0 disables the cache");
    } finally {
      await pbkdf2.close();
      await bcrypt.close();
    }
  });

  it("the remover deletes keys expired or invalidated longer than the retention ago, and nothing else", async () => {
    // Its own database: the lease is shared by every instance of a database, and the other
    // instances here run with the default one-hour interval.
    const r = await startTestApp("ak_remover", { ...FAST, apiKeys: { retention: "1s", removerInterval: "200ms" } });
    try {
      await createFixtures(r);
      const expiring = await createKey(r, "owner", { name: "rm-expiring", expiration: "1s" });
      const invalid = await createKey(r, "owner", { name: "rm-invalid" });
      const live = await createKey(r, "owner", { name: "rm-live" });
      const future = await createKey(r, "owner", { name: "rm-future", expiration: "1h" });
      await r.request("DELETE", "/_security/api_key", { auth: as("owner"), body: { ids: [invalid.id], owner: true } });
      const collection = r.db.connection.collection("security_api_keys");
      const exists = async (id: string) => (await collection.countDocuments({ _id: id } as never)) > 0;
      // Not before the retention has passed.
      await sleep(300);
      assert.equal(await exists(invalid.id), true);
      const took = await eventually(async () => !(await exists(expiring.id)) && !(await exists(invalid.id)), 6000, 100);
      process.stdout.write(`# remover deleted inactive keys ${took + 300} ms after invalidation\n`);
      assert.equal(await exists(live.id), true);
      assert.equal(await exists(future.id), true);
      const lease = await r.db.connection.collection("security_leases").findOne({ _id: "api_key_remover" } as never);
      assert.ok(lease && typeof lease.until === "number");
    } finally {
      await r.close();
    }
  });

  it("a lease is held by exactly one of several racing instances", async () => {
    const stores = Array.from({ length: 5 }, () => new LeaseStore(a.core.models.leases));
    const now = Date.now();
    const results = await Promise.all(stores.map((s, i) => s.acquire("race-test", `owner-${i}`, now, now + 60_000)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await stores[0]?.acquire("race-test", "late", now + 1000, now + 2000), false);
    assert.equal(await stores[0]?.acquire("race-test", "late", now + 60_000, now + 70_000), true, "an expired lease can be taken");
  });
});
