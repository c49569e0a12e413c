import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiKeyCache, type ApiKeySnapshot } from "../../../../lib/authc/api-key/api-key-cache.js";
import { Authentication } from "../../../../lib/model/authentication.js";

function snapshot(id: string, hash = "{SSHA256}h"): ApiKeySnapshot {
  const authentication = new Authentication({
    user: { username: "u", roles: [], full_name: null, email: null, metadata: {}, enabled: true },
    authenticationRealm: { name: "_es_api_key", type: "_es_api_key" },
    type: "api_key",
  });
  return { id, type: "rest", invalidated: false, expirationTime: null, hash, authentication };
}

describe("ApiKeyCache", () => {
  it("expires entries after access (each hit extends them)", () => {
    const cache = new ApiKeyCache({ ttlMs: 100, maxKeys: 10, docTtlMs: 1_000 });
    cache.put(snapshot("a"), "secret", cache.epoch, 0);
    assert.equal(cache.lookup("a", "secret", 90)?.verified, true);
    assert.equal(cache.lookup("a", "secret", 180)?.verified, true, "90 ms after the last access");
    assert.equal(cache.lookup("a", "secret", 281), undefined);
    assert.equal(cache.size, 0);
  });

  it("drops the least recently used key beyond maxKeys", () => {
    const cache = new ApiKeyCache({ ttlMs: 10_000, maxKeys: 2, docTtlMs: 10_000 });
    cache.put(snapshot("a"), "s", cache.epoch, 0);
    cache.put(snapshot("b"), "s", cache.epoch, 1);
    cache.lookup("a", "s", 2);
    cache.put(snapshot("c"), "s", cache.epoch, 3);
    assert.equal(cache.size, 2);
    assert.ok(cache.lookup("a", "s", 4));
    assert.equal(cache.lookup("b", "s", 4), undefined);
    assert.ok(cache.lookup("c", "s", 4));
  });

  it("answers verified only for the secret that verified, and only against the same hash", () => {
    const cache = new ApiKeyCache({ ttlMs: 10_000, maxKeys: 10, docTtlMs: 10_000 });
    cache.put(snapshot("a"), "right", cache.epoch, 0);
    assert.equal(cache.lookup("a", "wrong", 1)?.verified, false);
    assert.equal(cache.verifiedBefore("a", "{SSHA256}h", "right"), true);
    assert.equal(cache.verifiedBefore("a", "{SSHA256}other", "right"), false);
    cache.put(snapshot("a", "{SSHA256}new"), undefined, cache.epoch, 2);
    assert.equal(cache.lookup("a", "right", 3)?.verified, false, "a new hash forgets the old digest");
  });

  it("treats a stale document as a miss but keeps its digest; evictions bump the epoch and block stale puts", () => {
    const cache = new ApiKeyCache({ ttlMs: 10_000, maxKeys: 10, docTtlMs: 100 });
    cache.put(snapshot("a"), "s", cache.epoch, 0);
    assert.equal(cache.lookup("a", "s", 200), undefined);
    assert.equal(cache.verifiedBefore("a", "{SSHA256}h", "s"), true);
    const epoch = cache.epoch;
    cache.markStale("a");
    assert.notEqual(cache.epoch, epoch);
    cache.put(snapshot("b"), "s", epoch, 300);
    assert.equal(cache.lookup("b", "s", 301), undefined, "read before an eviction: not cached");
    cache.evict("a");
    assert.equal(cache.size, 0);
  });

  it("ttl 0 disables it", () => {
    const cache = new ApiKeyCache({ ttlMs: 0, maxKeys: 10, docTtlMs: 0 });
    cache.put(snapshot("a"), "s", cache.epoch, 0);
    assert.equal(cache.size, 0);
    assert.equal(cache.enabled, false);
  });
});
