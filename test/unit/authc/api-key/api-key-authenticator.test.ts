import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiKeyAuthenticator } from "../../../../lib/authc/api-key/api-key-authenticator.js";
import { ApiKeyCache } from "../../../../lib/authc/api-key/api-key-cache.js";
import { hashSsha256, verifySsha256 } from "../../../../lib/authc/api-key/api-key-hash.js";
import type { ApiKeyDoc } from "../../../../lib/store/store-documents.js";
import { apiKeyDoc } from "../../../support/api-key-doc.js";

const SECRET = "s".repeat(22);
const INFO = { uri: "/", request: {} };

function doc(overrides: Partial<ApiKeyDoc> = {}): ApiKeyDoc {
  return apiKeyDoc({
    hash: hashSsha256(SECRET),
    role_descriptors: JSON.stringify({
      r: { cluster: ["monitor"], indices: [], applications: [], run_as: [], metadata: {}, transient_metadata: { enabled: true } },
    }),
    metadata: JSON.stringify({ m: 1 }),
    metadata_flattened: { m: 1 },
    metadata_values: ["1"],
    creator: {
      principal: "alice",
      full_name: "Alice",
      email: null,
      metadata: JSON.stringify({ team: "red" }),
      realm: "native",
      realm_type: "native",
    },
    ...overrides,
  });
}

function setup(stored: ApiKeyDoc | null, options: { ttlMs?: number; docTtlMs?: number; now?: () => number } = {}) {
  const calls = { get: 0, verify: 0 };
  let current = stored;
  const documents = {
    async get(_id: string) {
      calls.get++;
      return current;
    },
  };
  const hasher = {
    async verify(secret: string, hash: string) {
      calls.verify++;
      return verifySsha256(secret, hash);
    },
  };
  const cache = new ApiKeyCache({ ttlMs: options.ttlMs ?? 86_400_000, maxKeys: 100, docTtlMs: options.docTtlMs ?? 300_000 });
  const authenticator = new ApiKeyAuthenticator(documents, hasher, cache, options.now ?? Date.now);
  return {
    calls,
    cache,
    authenticator,
    set(next: ApiKeyDoc | null) {
      current = next;
    },
    run(secret = SECRET, id = "key-id-0000000000001") {
      return authenticator.authenticate({ scheme: "apikey", id, secret }, INFO);
    },
  };
}

describe("ApiKeyAuthenticator", () => {
  it("builds the owner's API-key authentication from the document", async () => {
    const t = setup(doc());
    const result = await t.run();
    assert.equal(result.status, "success");
    if (result.status !== "success") return;
    const auth = result.authentication;
    assert.equal(auth.type, "api_key");
    assert.deepEqual(auth.authenticationRealm, { name: "_es_api_key", type: "_es_api_key" });
    assert.deepEqual(auth.user, {
      username: "alice",
      roles: [],
      full_name: "Alice",
      email: null,
      metadata: { team: "red" },
      enabled: true,
    });
    assert.equal(auth.apiKey?.id, "key-id-0000000000001");
    assert.deepEqual(auth.apiKey?.creatorRealm, { name: "native", type: "native" });
    assert.deepEqual(Object.keys(auth.apiKey?.roleDescriptors ?? {}), ["r"]);
    assert.ok(Object.isFrozen(auth.apiKey?.roleDescriptors), "shared between requests, so frozen");
  });

  it("uses Elasticsearch's unsuccessful messages in its order (invalidated before the secret, expiry after it)", async () => {
    assert.deepEqual(await setup(null).run(), { status: "continue", message: "unable to find apikey with id key-id-0000000000001" });
    assert.deepEqual(await setup(doc({ doc_type: "token" as "api_key" })).run(), {
      status: "continue",
      message: "document [key-id-0000000000001] is [token] not an api key",
    });
    assert.deepEqual(await setup(doc({ invalidated: true })).run("wrong"), {
      status: "continue",
      message: "api key [key-id-0000000000001] has been invalidated",
    });
    assert.deepEqual(await setup(doc({ expiration_time: 1 })).run("wrong"), {
      status: "continue",
      message: "invalid credentials for API key [key-id-0000000000001]",
    });
    assert.deepEqual(await setup(doc({ expiration_time: 1 })).run(), { status: "continue", message: "api key is expired" });
    const cross = await setup(doc({ type: "cross_cluster" })).run();
    assert.equal(cross.status, "terminate");
    if (cross.status === "terminate") {
      assert.equal(cross.error.status, 401);
      assert.equal(
        cross.error.reason,
        "authentication expected API key type of [rest], but API key [key-id-0000000000001] has type [cross_cluster]",
      );
    }
  });

  it("a cache hit reads nothing and hashes nothing; a wrong secret never hits", async () => {
    const t = setup(doc());
    await t.run();
    assert.deepEqual(t.calls, { get: 1, verify: 1 });
    for (let i = 0; i < 10; i++) assert.equal((await t.run()).status, "success");
    assert.deepEqual(t.calls, { get: 1, verify: 1 });
    assert.equal((await t.run("wrong")).status, "continue");
    assert.deepEqual(t.calls, { get: 1, verify: 2 }, "the cached document is used, the wrong secret is verified");
    assert.equal((await t.run()).status, "success");
    assert.deepEqual(t.calls, { get: 1, verify: 2 });
  });

  it("an expiry is checked on every hit, against the clock", async () => {
    let now = 1_000;
    const t = setup(doc({ expiration_time: 5_000 }), { now: () => now });
    assert.equal((await t.run()).status, "success");
    now = 5_000;
    assert.deepEqual(await t.run(), { status: "continue", message: "api key is expired" });
    assert.equal(t.calls.get, 1);
  });

  it("re-reads a stale document but keeps the verified secret when the hash did not change", async () => {
    let now = 0;
    const t = setup(doc(), { now: () => now, docTtlMs: 1000 });
    await t.run();
    now = 2000;
    assert.equal((await t.run()).status, "success");
    assert.deepEqual(t.calls, { get: 2, verify: 1 });
    t.set(doc({ invalidated: true }));
    t.cache.markStale("key-id-0000000000001");
    assert.deepEqual(await t.run(), { status: "continue", message: "api key [key-id-0000000000001] has been invalidated" });
    assert.equal(t.cache.size, 0, "an invalidated key leaves the cache");
  });

  it("an eviction during a database read keeps the stale result out of the cache", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cache = new ApiKeyCache({ ttlMs: 60_000, maxKeys: 10, docTtlMs: 60_000 });
    const documents = {
      async get() {
        await gate;
        return doc();
      },
    };
    const authenticator = new ApiKeyAuthenticator(documents, { verify: async (s, h) => verifySsha256(s, h) }, cache);
    const pending = authenticator.authenticate({ scheme: "apikey", id: "key-id-0000000000001", secret: SECRET }, INFO);
    cache.evict("key-id-0000000000001"); // the invalidation event arrives while the read is in flight
    release();
    assert.equal((await pending).status, "success");
    assert.equal(cache.size, 0);
  });
});
