import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ApiKeyInfo, AuthenticateAnswer } from "../../../lib/admin-ui/api-types.js";
import { canInvalidate, isMine, ownedByMe, ownerRealm, privilegesFrom, type Viewer } from "../../../lib/admin-ui/key-ownership.js";

function key(overrides: Partial<ApiKeyInfo>): ApiKeyInfo {
  return { id: "k1", name: "k", username: "ann", realm: "native", creation: 0, invalidated: false, ...overrides };
}

const ann: AuthenticateAnswer = { username: "ann", authentication_realm: { name: "native" } };
const annWithKey: AuthenticateAnswer = { ...ann, api_key: { id: "k2", name: "session" } };

describe("admin UI: whose key it is and who may invalidate it", () => {
  it("reads _has_privileges: manage_api_key manages all, read_security reads all", () => {
    assert.deepEqual(privilegesFrom({ cluster: { manage_api_key: true, read_security: false } }), { manageAll: true, readAll: true });
    assert.deepEqual(privilegesFrom({ cluster: { manage_api_key: false, read_security: true } }), { manageAll: false, readAll: true });
    assert.deepEqual(privilegesFrom({ cluster: { manage_own_api_key: true } }), { manageAll: false, readAll: false });
    assert.deepEqual(privilegesFrom(null), { manageAll: false, readAll: false });
  });

  it("owns keys under the lookup realm of a run-as user", () => {
    assert.equal(ownerRealm(ann), "native");
    assert.equal(ownerRealm({ username: "ann", authentication_realm: { name: "file" }, lookup_realm: { name: "native" } }), "native");
    assert.equal(ownerRealm({ username: "ann" }), null);
  });

  it("a user's own keys are those of the same name and realm; an API key's, itself", () => {
    assert.equal(isMine(key({}), ann), true);
    assert.equal(isMine(key({ realm: "file" }), ann), false);
    assert.equal(isMine(key({ username: "bob" }), ann), false);
    assert.equal(isMine(key({ id: "k2" }), annWithKey), true);
    assert.equal(isMine(key({ id: "k1" }), annWithKey), false);
    // Marked "you" all the same: signed in with a key, the keys of its owner are still the user's.
    assert.equal(ownedByMe(key({ id: "k1" }), annWithKey), true);
    assert.equal(ownedByMe(key({ realm: "file" }), ann), false);
    assert.equal(ownedByMe(key({ username: "bob" }), annWithKey), false);
  });

  it("lets only manage_api_key invalidate others' keys, and nobody an invalidated key", () => {
    const manager: Viewer = {
      me: { username: "elastic", authentication_realm: { name: "reserved" } },
      can: { manageAll: true, readAll: true },
    };
    const owner: Viewer = { me: ann, can: { manageAll: false, readAll: true } };
    assert.equal(canInvalidate(key({}), manager), true);
    assert.equal(canInvalidate(key({ username: "bob" }), owner), false);
    assert.equal(canInvalidate(key({}), owner), true);
    assert.equal(canInvalidate(key({ invalidated: true }), manager), false);
  });
});
