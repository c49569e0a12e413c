import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { User } from "../../../../lib/model/authentication.js";
import { CredentialCache } from "../../../../lib/authc/realms/credential-cache.js";

const user = (enabled: boolean): User => ({ username: "ann", roles: [], full_name: null, email: null, metadata: {}, enabled });

describe("CredentialCache", () => {
  it("answers only for the password that verified", () => {
    const cache = new CredentialCache(60_000, 10);
    cache.put("ann", "right", user(true));
    assert.equal(cache.verify("ann", "right")?.username, "ann");
    assert.equal(cache.verify("ann", "wrong"), undefined);
  });

  it("drops a verification that raced an eviction (a password change or disable meanwhile)", () => {
    const cache = new CredentialCache(60_000, 10);
    const epoch = cache.epoch; // a realm reads it before loading the user…
    cache.evict("ann"); // …the password changes, or the user is disabled…
    cache.put("ann", "old-password", user(true), Date.now(), epoch); // …and the stale result arrives.
    assert.equal(cache.verify("ann", "old-password"), undefined, "the old state was re-inserted");
    const fresh = cache.epoch;
    cache.put("ann", "new-password", user(true), Date.now(), fresh);
    assert.equal(cache.verify("ann", "new-password")?.username, "ann");
    cache.clear();
    assert.notEqual(cache.epoch, fresh);
  });
});
