import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Authentication, type ApiKeyRef, type User } from "../../../lib/model/authentication.js";

const user = (username: string, roles: string[] = ["viewer"]): User => ({
  username,
  roles,
  full_name: null,
  email: null,
  metadata: {},
  enabled: true,
});
const KEY: ApiKeyRef = {
  id: "key-1",
  name: "k",
  metadata: {},
  roleDescriptors: {},
  limitedBy: {},
  creatorRealm: { name: "native", type: "native" },
};
const NATIVE = { name: "native", type: "native" };
const API_KEY_REALM = { name: "_es_api_key", type: "_es_api_key" };

describe("Authentication.effectiveApiKey", () => {
  it("is the key when an API key is the subject, directly or through a token minted by one", () => {
    const direct = new Authentication({ user: user("alice"), authenticationRealm: API_KEY_REALM, type: "api_key", apiKey: KEY });
    const token = new Authentication({
      user: user("alice"),
      authenticationRealm: API_KEY_REALM,
      type: "token",
      apiKey: KEY,
      token: { id: "t" },
    });
    assert.equal(direct.effectiveApiKey, KEY);
    assert.equal(token.effectiveApiKey, KEY);
    assert.deepEqual(direct.toJSON().roles, []);
  });

  it("is undefined for a user, and for a key running as another user (the target's permission applies)", () => {
    const realm = new Authentication({ user: user("alice"), authenticationRealm: NATIVE, type: "realm" });
    const runAs = new Authentication({ user: user("alice"), authenticationRealm: API_KEY_REALM, type: "api_key", apiKey: KEY }).runAs(
      user("bob", ["writer"]),
      NATIVE,
    );
    assert.equal(realm.effectiveApiKey, undefined);
    assert.equal(runAs.effectiveApiKey, undefined);
    assert.equal(runAs.isApiKey, true, "the credential was still a key");
    assert.deepEqual(runAs.toJSON().roles, ["writer"]);
  });
});
