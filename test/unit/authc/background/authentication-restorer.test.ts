import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Authentication, API_KEY_REALM, type User } from "../../../../lib/model/authentication.js";
import type { AuthenticationRecord } from "../../../../lib/authc/background/authentication-record.js";
import { AuthenticationRestorer } from "../../../../lib/authc/background/authentication-restorer.js";
import { IdentityRevokedError, type RevocationCause } from "../../../../lib/authc/background/identity-revoked-error.js";
import { InvalidAuthenticationRecordError } from "../../../../lib/authc/background/invalid-authentication-record-error.js";
import type { Realm } from "../../../../lib/model/realm.js";
import { authenticationError, unavailableError } from "../../../../lib/support/security-error.js";

const NATIVE = { name: "native", type: "native" };
const user = (username: string, roles: string[], enabled = true): User => ({
  username,
  roles,
  full_name: null,
  email: null,
  metadata: {},
  enabled,
});

const realmRecord: AuthenticationRecord = {
  version: 1,
  type: "realm",
  username: "carol",
  realm: NATIVE,
  authentication_type: "realm",
  source: "secondary",
  captured_at: 1,
};
const keyRecord: AuthenticationRecord = {
  version: 1,
  type: "api_key",
  username: "carol",
  realm: NATIVE,
  authentication_type: "api_key",
  source: "primary",
  captured_at: 1,
  api_key: { id: "k1", name: "nightly" },
};

function keyAuth(owner: string, realm = NATIVE): Authentication {
  return new Authentication({
    user: user(owner, []),
    authenticationRealm: API_KEY_REALM,
    type: "api_key",
    apiKey: { id: "k1", name: "nightly", metadata: {}, roleDescriptors: {}, limitedBy: {}, creatorRealm: realm },
  });
}

function restorer(users: Map<string, User>, key: () => Promise<Authentication>, realmOverride?: Realm) {
  const lookups: string[] = [];
  const native: Realm = realmOverride ?? {
    name: "native",
    type: "native",
    authenticate: async () => null,
    lookup: async (username) => (lookups.push(username), users.get(username) ?? null),
  };
  return {
    lookups,
    restorer: new AuthenticationRestorer({ findRealm: (name) => (name === native.name ? native : undefined), authenticationForKey: key }),
  };
}

async function revoked(promise: Promise<unknown>, cause: RevocationCause, reason: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof IdentityRevokedError, `not an IdentityRevokedError: ${String(error)}`);
    assert.equal(error.code, "ERR_KEYGUARD_IDENTITY_REVOKED");
    assert.equal(IdentityRevokedError.code, "ERR_KEYGUARD_IDENTITY_REVOKED");
    assert.equal(error.status, 401);
    assert.equal(error.revocation, cause);
    assert.equal(error.toJSON().error.revocation, cause);
    assert.match(error.reason, reason);
    return true;
  });
}

const noKey = async (): Promise<Authentication> => assert.fail("no key lookup expected");

describe("AuthenticationRestorer", () => {
  it("restores a realm user with the roles the realm reports now", async () => {
    const users = new Map([["carol", user("carol", ["shop_reader", "auditor"])]]);
    const { restorer: r, lookups } = restorer(users, noKey);
    const auth = await r.restore(JSON.parse(JSON.stringify(realmRecord)));
    assert.equal(auth.type, "realm");
    assert.equal(auth.user.username, "carol");
    assert.deepEqual(auth.user.roles, ["shop_reader", "auditor"]);
    assert.deepEqual(auth.authenticationRealm, NATIVE);
    assert.deepEqual(lookups, ["carol"]);
  });

  it("reports deleted and disabled users and vanished realms as revoked", async () => {
    await revoked(
      restorer(new Map(), noKey).restorer.restore(realmRecord),
      "user_not_found",
      /user \[carol\] no longer exists in realm \[native\]/,
    );
    await revoked(
      restorer(new Map([["carol", user("carol", [], false)]]), noKey).restorer.restore(realmRecord),
      "user_disabled",
      /user \[carol\] is disabled/,
    );
    await revoked(
      restorer(new Map(), noKey).restorer.restore({ ...realmRecord, realm: { name: "ldap", type: "ldap" } }),
      "realm_not_found",
      /realm \[ldap\]/,
    );
    await revoked(
      restorer(new Map(), noKey).restorer.restore({ ...realmRecord, realm: { name: "native", type: "file" } }),
      "realm_not_found",
      /realm \[native\] of type \[file\]/,
    );
    const noLookup: Realm = { name: "native", type: "native", authenticate: async () => null };
    await revoked(restorer(new Map(), noKey, noLookup).restorer.restore(realmRecord), "realm_not_found", /cannot look users up/);
  });

  it("restores an API key through its re-validation and checks the recorded owner", async () => {
    const ids: string[] = [];
    const { restorer: r } = restorer(new Map(), async () => (ids.push("k1"), keyAuth("carol")));
    const auth = await r.restore(keyRecord);
    assert.equal(auth.type, "api_key");
    assert.equal(auth.apiKey?.id, "k1");
    assert.deepEqual(ids, ["k1"]);
    await revoked(
      restorer(new Map(), async () => keyAuth("mallory")).restorer.restore(keyRecord),
      "api_key_owner_changed",
      /not owned by user \[carol\]/,
    );
    await revoked(
      restorer(new Map(), async () => keyAuth("carol", { name: "ldap", type: "ldap" })).restorer.restore(keyRecord),
      "api_key_owner_changed",
      /realm \[native\]/,
    );
  });

  it("maps the key service's 401s to revocation causes, keeping the cause", async () => {
    const failing = (detail: string) => async (): Promise<Authentication> => {
      throw authenticationError("unable to authenticate with provided credentials and anonymous access is not allowed for this request", {
        additional_unsuccessful_credentials: `API key: ${detail}`,
      });
    };
    await revoked(
      restorer(new Map(), failing("api key [k1] has been invalidated")).restorer.restore(keyRecord),
      "api_key_invalidated",
      /API key \[k1\] can no longer be used: API key: api key \[k1\] has been invalidated/,
    );
    await revoked(restorer(new Map(), failing("api key is expired")).restorer.restore(keyRecord), "api_key_expired", /expired/);
    await revoked(
      restorer(new Map(), failing("unable to find apikey with id k1")).restorer.restore(keyRecord),
      "api_key_not_found",
      /unable to find/,
    );
    await assert.rejects(
      restorer(new Map(), failing("api key is expired")).restorer.restore(keyRecord),
      (error: IdentityRevokedError) => error.causedBy?.status === 401,
    );
  });

  it("lets transient failures through unchanged: a database outage is not a revocation", async () => {
    const down = unavailableError();
    await assert.rejects(
      restorer(new Map(), async () => {
        throw down;
      }).restorer.restore(keyRecord),
      (error: unknown) => error === down,
    );
    const flaky: Realm = {
      name: "native",
      type: "native",
      authenticate: async () => null,
      lookup: async () => {
        throw down;
      },
    };
    await assert.rejects(restorer(new Map(), noKey, flaky).restorer.restore(realmRecord), (error: unknown) => error === down);
  });

  it("validates the record before touching any store", async () => {
    const { restorer: r, lookups } = restorer(new Map(), noKey);
    await assert.rejects(r.restore({ ...realmRecord, username: { $gt: "" } }), InvalidAuthenticationRecordError);
    await assert.rejects(r.restore(null), InvalidAuthenticationRecordError);
    assert.deepEqual(lookups, []);
  });
});
