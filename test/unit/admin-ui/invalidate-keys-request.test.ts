import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ApiKeyInfo } from "../../../lib/admin-ui/api-types.js";
import { invalidateKeysRequest, invalidationOutcome } from "../../../lib/admin-ui/invalidate-keys-request.js";
import type { Viewer } from "../../../lib/admin-ui/key-ownership.js";

const keys = ["k1", "k2"].map((id): ApiKeyInfo => ({ id, name: id, username: "ann", realm: "native", creation: 0, invalidated: false }));
const ann = { username: "ann", authentication_realm: { name: "native" } };

describe("admin UI: invalidating keys", () => {
  it("scopes the request to the caller's own keys without manage_api_key", () => {
    const manager: Viewer = { me: { username: "elastic" }, can: { manageAll: true, readAll: true } };
    const owner: Viewer = { me: ann, can: { manageAll: false, readAll: false } };
    const withKey: Viewer = { me: { ...ann, api_key: { id: "k1" } }, can: { manageAll: false, readAll: false } };
    assert.deepEqual(invalidateKeysRequest(keys, manager), { ids: ["k1", "k2"] });
    assert.deepEqual(invalidateKeysRequest(keys, owner), { ids: ["k1", "k2"], owner: true });
    // An API key may name only itself, and `owner` would be refused for it.
    assert.deepEqual(invalidateKeysRequest(keys.slice(0, 1), withKey), { ids: ["k1"] });
  });

  it("reports what was invalidated, what already was, and what failed", () => {
    assert.deepEqual(invalidationOutcome({ invalidated_api_keys: ["k1"], previously_invalidated_api_keys: [], error_count: 0 }), {
      notice: "Invalidated 1 key.",
      failure: null,
    });
    assert.deepEqual(
      invalidationOutcome({
        invalidated_api_keys: ["k1", "k2"],
        previously_invalidated_api_keys: ["k3"],
        error_count: 2,
        error_details: [{ reason: "a" }, { reason: "b" }],
      }),
      { notice: "Invalidated 2 keys. 1 had been invalidated already.", failure: "2 could not be invalidated: a; b" },
    );
    assert.deepEqual(invalidationOutcome(null), { notice: "Invalidated 0 keys.", failure: null });
  });
});
