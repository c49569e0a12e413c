import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { API_KEY_REALM, Authentication, type User } from "../../../lib/model/authentication.js";
import { ensureSubjectActive } from "../../../lib/authc/ensure-subject-active.js";
import type { Realm } from "../../../lib/model/realm.js";
import { SecurityError } from "../../../lib/support/security-error.js";

const NATIVE = { name: "native", type: "native" };
const SESSION = { name: "session", type: "session" };
const user = (username: string, enabled = true): User => ({ username, roles: ["r"], full_name: null, email: null, metadata: {}, enabled });

/** Realms answering lookups from a table; `lookups` records what was asked. */
function directory(native: Record<string, User>, session?: Realm) {
  const lookups: string[] = [];
  const realms: Realm[] = [
    {
      name: "native",
      type: "native",
      authenticate: async () => null,
      lookup: async (name) => (lookups.push(`native/${name}`), native[name] ?? null),
    },
    ...(session ? [session] : []),
  ];
  return { lookups, findRealm: (name: string) => realms.find((r) => r.name === name) };
}

async function refused(promise: Promise<void>, reason: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SecurityError);
    assert.equal(error.status, 401);
    assert.equal(error.type, "security_exception");
    assert.match(error.reason, reason);
    return true;
  });
}

describe("ensureSubjectActive: the users behind an authentication, as their realms answer now", () => {
  it("checks a token's user in its original realm", async () => {
    const token = new Authentication({ user: user("ann"), authenticationRealm: NATIVE, type: "token", token: { id: "t" } });
    const live = directory({ ann: user("ann") });
    await ensureSubjectActive(token, live);
    assert.deepEqual(live.lookups, ["native/ann"]);
    await refused(
      ensureSubjectActive(token, directory({ ann: user("ann", false) })),
      /^user \[ann\] of realm \[native\] is disabled: no credentials can be created on its behalf$/,
    );
    await refused(ensureSubjectActive(token, directory({})), /^user \[ann\] no longer exists in realm \[native\]/);
  });

  it("checks an API key's owner in the owner's realm, not in _es_api_key", async () => {
    const key = new Authentication({
      user: user("ann"),
      authenticationRealm: API_KEY_REALM,
      type: "api_key",
      apiKey: { id: "k", name: "k", metadata: {}, roleDescriptors: {}, limitedBy: {}, creatorRealm: NATIVE },
    });
    const live = directory({ ann: user("ann") });
    await ensureSubjectActive(key, live);
    assert.deepEqual(live.lookups, ["native/ann"]);
    await refused(ensureSubjectActive(key, directory({ ann: user("ann", false) })), /user \[ann\] of realm \[native\] is disabled/);
  });

  it("with run-as, checks the user who authenticated as well as the target", async () => {
    const runAs = new Authentication({ user: user("imp"), authenticationRealm: NATIVE, type: "token", token: { id: "t" } }).runAs(
      user("target"),
      NATIVE,
    );
    const live = directory({ imp: user("imp"), target: user("target") });
    await ensureSubjectActive(runAs, live);
    assert.deepEqual(live.lookups, ["native/target", "native/imp"]);
    await refused(
      ensureSubjectActive(runAs, directory({ imp: user("imp", false), target: user("target") })),
      /user \[imp\] of realm \[native\] is disabled/,
    );
  });

  it("refuses a realm that is gone or changed type; passes users of realms without lookup", async () => {
    const sessionUser = new Authentication({ user: user("ann"), authenticationRealm: SESSION, type: "token", token: { id: "t" } });
    await refused(ensureSubjectActive(sessionUser, directory({})), /^realm \[session\] of user \[ann\] no longer exists/);
    const retyped: Realm = { name: "session", type: "ldap", authenticate: async () => null, lookup: async () => user("ann") };
    await refused(ensureSubjectActive(sessionUser, directory({}, retyped)), /^realm \[session\] of user \[ann\] no longer exists/);
    const noLookup: Realm = { name: "session", type: "session", authenticate: async () => null };
    await ensureSubjectActive(sessionUser, directory({}, noLookup));
    const anonymous = new Authentication({
      user: user("anon"),
      authenticationRealm: { name: "__anonymous", type: "anonymous" },
      type: "anonymous",
    });
    await ensureSubjectActive(anonymous, directory({}));
  });
});
