import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Authentication } from "../../../../lib/model/authentication.js";
import { TokenCache } from "../../../../lib/authc/token/token-cache.js";

function auth(apiKeyId?: string): Authentication {
  return new Authentication({
    user: { username: "u", roles: [], full_name: null, email: null, metadata: {}, enabled: true },
    authenticationRealm: { name: "native", type: "native" },
    type: "token",
    ...(apiKeyId
      ? {
          apiKey: {
            id: apiKeyId,
            name: "k",
            metadata: {},
            roleDescriptors: {},
            limitedBy: {},
            creatorRealm: { name: "native", type: "native" },
          },
        }
      : {}),
  });
}

describe("token cache", () => {
  it("keeps entries until the token expires", () => {
    const cache = new TokenCache({ maxEntries: 10 });
    cache.put("a", { state: "valid", authentication: auth(), expiresAt: 100, confirmedAt: 0 }, cache.epoch);
    assert.equal(cache.get("a", 99)?.state, "valid");
    assert.equal(cache.get("a", 100), undefined);
    assert.equal(cache.size, 0);
  });

  it("never lets a read that raced with a revocation re-insert the token as valid", () => {
    const cache = new TokenCache({ maxEntries: 10 });
    const epoch = cache.epoch;
    cache.revoke("a", 1000);
    cache.put("a", { state: "valid", authentication: auth(), expiresAt: 1000, confirmedAt: 0 }, epoch);
    assert.equal(cache.get("a", 1)?.state, "revoked");
    cache.put("b", { state: "valid", authentication: auth(), expiresAt: 1000, confirmedAt: 0 }, epoch);
    assert.equal(cache.get("b", 1), undefined, "stale epoch: dropped");
  });

  it("revokes the tokens minted by an API key", () => {
    const cache = new TokenCache({ maxEntries: 10 });
    cache.put("a", { state: "valid", authentication: auth("key-1"), expiresAt: 1000, confirmedAt: 0 }, cache.epoch);
    cache.put("b", { state: "valid", authentication: auth("key-2"), expiresAt: 1000, confirmedAt: 0 }, cache.epoch);
    cache.put("c", { state: "valid", authentication: auth(), expiresAt: 1000, confirmedAt: 0 }, cache.epoch);
    assert.equal(
      cache.revokeWhere((a) => a.apiKey?.id === "key-1"),
      1,
    );
    assert.deepEqual(
      ["a", "b", "c"].map((id) => cache.get(id, 1)?.state),
      ["revoked", "valid", "valid"],
    );
  });

  it("is bounded, dropping the least recently used", () => {
    const cache = new TokenCache({ maxEntries: 2 });
    cache.revoke("a", 1000);
    cache.revoke("b", 1000);
    cache.get("a", 1);
    cache.revoke("c", 1000);
    assert.equal(cache.size, 2);
    assert.equal(cache.get("b", 1), undefined);
    assert.equal(cache.get("a", 1)?.state, "revoked");
    const off = new TokenCache({ maxEntries: 0 });
    off.revoke("a", 1000);
    assert.equal(off.size, 0);
  });
});
