import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Realm, User } from "../../../lib/index.js";
import { ADMIN_PASSWORD, basic, startTestApp, type TestApp } from "../../support/test-app.js";

// The README's session-realm pattern: the host app's login put a session behind a cookie, and the
// realm trusts whoever that session names. Here the sessions are a fixed table.
const SESSIONS: Record<string, User> = {
  // A user of the session realm who happens to be called like the native superuser.
  "s-elastic": { username: "elastic", roles: [], full_name: "Not the superuser", email: null, metadata: {}, enabled: true },
  // A session administrator sharing the name of a native user.
  "s-nancy": { username: "nancy", roles: ["superuser"], full_name: "Session Nancy", email: null, metadata: {}, enabled: true },
  "s-keys": { username: "keyowner", roles: ["own_keys"], full_name: null, email: null, metadata: {}, enabled: true },
};

function sessionOf(request: unknown): User | undefined {
  const cookie = (request as { headers?: Record<string, string | undefined> }).headers?.cookie ?? "";
  const sid = /(?:^|;\s*)sid=([^;]+)/.exec(cookie)?.[1];
  return sid !== undefined ? SESSIONS[sid] : undefined;
}

const sessionRealm: Realm = {
  name: "session",
  type: "session",
  credentialsFromCookies: true,
  async authenticate({ request }) {
    return sessionOf(request) ?? null;
  },
  async lookup(username) {
    return Object.values(SESSIONS).find((u) => u.username === username) ?? null;
  },
};

const cookie = (sid: string) => ({ cookie: `sid=${sid}` });

describe("custom session realm: identities are (realm, username), never the username alone", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp("session_identity", {
      failureRateLimit: false,
      realms: [sessionRealm],
      roles: { own_keys: { cluster: ["manage_own_api_key"] } },
    });
    assert.equal((await t.admin("PUT", "/_security/user/nancy", { password: "nancy-pass", roles: ["superuser"] })).status, 200);
    assert.equal((await t.admin("PUT", "/_security/user/keyowner", { password: "keyowner-pass", roles: ["own_keys"] })).status, 200);
    assert.equal((await t.admin("PUT", "/_security/user/carol", { password: "carol-pass", roles: [] })).status, 200);
  });
  after(() => t.close());

  it("a session user named elastic cannot set the native elastic's password", async () => {
    const me = await t.request("GET", "/_security/_authenticate", { headers: cookie("s-elastic") });
    assert.equal(me.status, 200);
    assert.equal(me.body.username, "elastic");
    assert.deepEqual(me.body.authentication_realm, { name: "session", type: "session" });

    for (const path of ["/_security/user/_password", "/_security/user/elastic/_password"]) {
      const res = await t.request("PUT", path, { headers: cookie("s-elastic"), body: { password: "attacker-pass" } });
      assert.equal(res.status, 403, `${path}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.type, "security_exception");
      assert.match(
        res.body.error.reason,
        /action \[cluster:admin\/xpack\/security\/user\/change_password\] is unauthorized for user \[elastic\]/,
      );
    }
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: basic("elastic", ADMIN_PASSWORD) })).status, 200);
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: basic("elastic", "attacker-pass") })).status, 401);
  });

  it("a native user still changes their own password, but not with a token or an API key", async () => {
    await t.admin("PUT", "/_security/user/own", { password: "own-pass-1", roles: ["own_keys"] });
    const own = basic("own", "own-pass-1");
    const key = await t.request("POST", "/_security/api_key", { auth: own, body: { name: "own-key" } });
    assert.equal(key.status, 200);
    const token = await t.admin("POST", "/_security/oauth2/token", { grant_type: "password", username: "own", password: "own-pass-1" });
    assert.equal(token.status, 200);
    for (const auth of [`ApiKey ${key.body.encoded}`, `Bearer ${token.body.access_token}`]) {
      const res = await t.request("PUT", "/_security/user/_password", { auth, body: { password: "stolen-pass" } });
      assert.equal(res.status, 403, JSON.stringify(res.body));
    }
    const changed = await t.request("PUT", "/_security/user/_password", { auth: own, body: { password: "own-pass-2" } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: basic("own", "own-pass-2") })).status, 200);
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: own })).status, 401);
  });

  it("the own-account rule of _enable/_disable is about the native user of that name only", async () => {
    // Native nancy (a superuser) may not change her own status...
    const self = await t.request("POST", "/_security/user/nancy/_disable", { auth: basic("nancy", "nancy-pass") });
    assert.equal(self.status, 400, JSON.stringify(self.body));
    assert.equal(self.body.error.reason, "users may not update the enabled status of their own account");
    // ...while the session realm's nancy is somebody else: an administrator acting on another user.
    const other = await t.request("POST", "/_security/user/nancy/_disable", {
      headers: { ...cookie("s-nancy"), "content-type": "application/json" },
    });
    assert.equal(other.status, 200, JSON.stringify(other.body));
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: basic("nancy", "nancy-pass") })).status, 401);
    assert.equal((await t.admin("POST", "/_security/user/nancy/_enable")).status, 200);
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: basic("nancy", "nancy-pass") })).status, 200);
  });

  it("manage_own_api_key: a session user's own keys are not the native namesake's", async () => {
    const native = await t.request("POST", "/_security/api_key", {
      auth: basic("keyowner", "keyowner-pass"),
      body: { name: "native-key" },
    });
    assert.equal(native.status, 200);
    const session = await t.request("POST", "/_security/api_key", { headers: { ...cookie("s-keys") }, body: { name: "session-key" } });
    assert.equal(session.status, 200, JSON.stringify(session.body));

    const mine = await t.request("GET", "/_security/api_key?owner=true", { headers: cookie("s-keys") });
    assert.equal(mine.status, 200);
    assert.deepEqual(
      mine.body.api_keys.map((k: { name: string; realm: string }) => [k.name, k.realm]),
      [["session-key", "session"]],
    );
    const queried = await t.request("POST", "/_security/_query/api_key", { headers: cookie("s-keys"), body: {} });
    assert.equal(queried.status, 200);
    assert.deepEqual(
      queried.body.api_keys.map((k: { name: string }) => k.name),
      ["session-key"],
    );

    const byName = await t.request("GET", "/_security/api_key?username=keyowner&realm_name=native", { headers: cookie("s-keys") });
    assert.equal(byName.status, 403);
    const invalidate = await t.request("DELETE", "/_security/api_key", {
      headers: cookie("s-keys"),
      body: { username: "keyowner", realm_name: "native" },
    });
    assert.equal(invalidate.status, 403);
    const update = await t.request("PUT", `/_security/api_key/${native.body.id}`, {
      headers: cookie("s-keys"),
      body: { metadata: { taken: true } },
    });
    assert.equal(update.status, 404);
    assert.equal(update.body.error.reason, `no API key owned by requesting user found for ID [${native.body.id}]`);
    const stillValid = await t.request("GET", "/_security/_authenticate", { auth: { apiKey: native.body.encoded } });
    assert.equal(stillValid.status, 200);
  });
});
