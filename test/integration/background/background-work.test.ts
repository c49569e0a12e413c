import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import express, { type Request } from "express";
import {
  IdentityRevokedError,
  InvalidAuthenticationRecordError,
  renderSecurityError,
  SecurityError,
  type AuthenticationRecord,
  type RevocationCause,
} from "../../../lib/index.js";
import { basic, startTestApp, type RequestOptions, type TestApp } from "../../support/test-app.js";

const SHOP_READ = { application: [{ application: "shop", privileges: ["read"], resources: ["orders"] }] };
const USERS: Record<string, string[]> = {
  carol: ["shop_reader"],
  dashboard: ["alerting_system"],
  dave: ["shop_reader", "own_keys"],
};
const pass = (user: string) => `${user}-password`;
const as = (user: string) => ({ user, password: pass(user) });

async function revoked(promise: Promise<unknown>, cause: RevocationCause): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof IdentityRevokedError, `not an IdentityRevokedError: ${String(error)}`);
    assert.ok(error instanceof SecurityError);
    assert.equal(error.code, "ERR_KEYGUARD_IDENTITY_REVOKED");
    assert.equal(error.revocation, cause);
    assert.equal(error.status, 401);
    return true;
  });
}

describe("background work: capture, restore and grantApiKeyFor", () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp("background", {}, (app, security) => {
      app.use(express.json());
      app.post("/capture", (req, res) => {
        try {
          res.json(security.captureAuthentication(req));
        } catch (error) {
          renderSecurityError(res, error);
        }
      });
      app.post("/grant-for", (req, res) => {
        security.grantApiKeyFor(req, req.body).then(
          (key) => res.json(key),
          (error: unknown) => renderSecurityError(res, error),
        );
      });
    });
    const setup: Array<[string, string, unknown]> = [
      ["PUT", "/_security/privilege", { shop: { read: { actions: ["data:read/*"] } } }],
      ["PUT", "/_security/role/shop_reader", { applications: [{ application: "shop", privileges: ["read"], resources: ["*"] }] }],
      ["PUT", "/_security/role/alerting_system", { cluster: ["grant_api_key"] }],
      ["PUT", "/_security/role/own_keys", { cluster: ["manage_own_api_key"] }],
    ];
    for (const [method, path, body] of setup) assert.equal((await t.admin(method, path, body)).status, 200);
    for (const [user, roles] of Object.entries(USERS)) {
      assert.equal((await t.admin("PUT", `/_security/user/${user}`, { password: pass(user), roles })).status, 200);
    }
  });

  after(async () => {
    await t.close();
  });

  const capture = async (primary: string | { user: string; password: string } | { apiKey: string }, secondary?: string) => {
    const res = await t.request("POST", "/capture", {
      auth: primary,
      ...(secondary ? { headers: { "es-secondary-authorization": secondary } } : {}),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res;
  };

  it("captures the secondary identity when present, else the primary, without any secret", async () => {
    const withSecondary = await capture(as("dashboard"), basic("carol", pass("carol")));
    assert.equal(withSecondary.status, 200);
    const record = withSecondary.body as AuthenticationRecord;
    assert.equal(record.type, "realm");
    assert.equal(record.username, "carol");
    assert.equal(record.source, "secondary");
    assert.deepEqual(record.realm, { name: "native", type: "native" });
    assert.ok(Math.abs(record.captured_at - Date.now()) < 60_000);
    assert.doesNotMatch(JSON.stringify(record), /password/);

    const primaryOnly = await capture(as("dashboard"));
    assert.equal(primaryOnly.body.username, "dashboard");
    assert.equal(primaryOnly.body.source, "primary");

    const key = await t.request("POST", "/_security/api_key", { auth: as("dave"), body: { name: "dave-key" } });
    assert.equal(key.status, 200);
    const byKey = await capture({ apiKey: key.body.encoded });
    assert.deepEqual(byKey.body.api_key, { id: key.body.id, name: "dave-key" });
    assert.equal(byKey.body.type, "api_key");
    assert.equal(byKey.body.username, "dave");
    const text = JSON.stringify(byKey.body);
    assert.ok(!text.includes(key.body.api_key) && !text.includes(key.body.encoded), "the key's secret must not be captured");

    // A junk secondary never reaches the handler.
    const junk = await t.request("POST", "/capture", {
      auth: as("dashboard"),
      headers: { "es-secondary-authorization": basic("carol", "wrong") },
    });
    assert.equal(junk.status, 401);
    assert.equal(junk.body.error.reason, "Failed to authenticate secondary user");
    assert.throws(
      () => t.security.captureAuthentication({ originalUrl: "/x" } as Request),
      (error: SecurityError) => error.status === 401,
    );
  });

  it("restores a user with current roles, and reports disabled or deleted users as revoked", async () => {
    assert.equal((await t.admin("PUT", "/_security/user/erin", { password: pass("erin"), roles: ["shop_reader"] })).status, 200);
    const record = (await capture(as("dashboard"), basic("erin", pass("erin")))).body as AuthenticationRecord;
    const stored: unknown = JSON.parse(JSON.stringify(record));

    const erin = await t.security.restoreAuthentication(stored);
    assert.equal(erin.user.username, "erin");
    assert.equal(erin.type, "realm");
    assert.equal((await t.security.hasPrivileges(erin, SHOP_READ)).has_all_requested, true);

    // Roles are re-resolved: losing shop_reader is visible at the next restore.
    assert.equal((await t.admin("PUT", "/_security/user/erin", { roles: [] })).status, 200);
    const demoted = await t.security.restoreAuthentication(stored);
    assert.deepEqual(demoted.user.roles, []);
    assert.equal((await t.security.hasPrivileges(demoted, SHOP_READ)).has_all_requested, false);

    assert.equal((await t.admin("PUT", "/_security/user/erin/_disable")).status, 200);
    await revoked(t.security.restoreAuthentication(stored), "user_disabled");
    assert.equal((await t.admin("PUT", "/_security/user/erin/_enable")).status, 200);
    await t.security.restoreAuthentication(stored);
    assert.equal((await t.admin("DELETE", "/_security/user/erin")).status, 200);
    await revoked(t.security.restoreAuthentication(stored), "user_not_found");
  });

  it("restores an identity usable with the programmatic API", async () => {
    const record = (await capture(as("dave"))).body as AuthenticationRecord;
    const dave = await t.security.restoreAuthentication(record);
    const key = await t.security.apiKeys.create(dave, { name: "made-in-background" });
    const info = await t.security.apiKeys.get(dave, { id: key.id, owner: true });
    assert.equal(info.api_keys[0]?.username, "dave");
    const permission = await t.security.permissionFor(dave);
    assert.equal(permission.checkApplication("shop", "read", "orders"), true);
  });

  it("restores API keys until they are invalidated or expire, and checks the owner", async () => {
    const key = await t.request("POST", "/_security/api_key", { auth: as("dave"), body: { name: "restorable" } });
    const record = (await capture({ apiKey: key.body.encoded })).body as AuthenticationRecord;
    const restored = await t.security.restoreAuthentication(record);
    assert.equal(restored.apiKey?.id, key.body.id);
    assert.equal(restored.user.username, "dave");
    assert.equal((await t.security.hasPrivileges(restored, SHOP_READ)).has_all_requested, true);

    await revoked(t.security.restoreAuthentication({ ...record, username: "carol" }), "api_key_owner_changed");
    await revoked(
      t.security.restoreAuthentication({ ...record, api_key: { id: "AAAAAAAAAAAAAAAAAAAA", name: null } }),
      "api_key_not_found",
    );

    const invalidated = await t.request("DELETE", "/_security/api_key", { auth: as("dave"), body: { ids: [key.body.id], owner: true } });
    assert.deepEqual(invalidated.body.invalidated_api_keys, [key.body.id]);
    await revoked(t.security.restoreAuthentication(record), "api_key_invalidated");

    const shortLived = await t.request("POST", "/_security/api_key", { auth: as("dave"), body: { name: "short", expiration: "1s" } });
    assert.equal(shortLived.status, 200, JSON.stringify(shortLived.body));
    const shortRecord = (await capture({ apiKey: shortLived.body.encoded })).body as AuthenticationRecord;
    await t.security.restoreAuthentication(shortRecord);
    // Expirations have second precision, as in Elasticsearch.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await revoked(t.security.restoreAuthentication(shortRecord), "api_key_expired");
  });

  it("refuses malformed records with a 400 before touching the database", async () => {
    for (const bad of [null, "carol", { version: 1, type: "realm", username: { $ne: null } }, { version: 9 }]) {
      await assert.rejects(
        t.security.restoreAuthentication(bad),
        (error: unknown) => error instanceof InvalidAuthenticationRecordError && error.status === 400,
      );
    }
  });

  it("grants a key owned by the secondary user, authorized by the primary's grant_api_key", async () => {
    const res = await t.request("POST", "/grant-for", {
      auth: as("dashboard"),
      headers: { "es-secondary-authorization": basic("carol", pass("carol")) },
      body: { name: "carol-alert", metadata: { purpose: "alert" }, role_descriptors: { orders: SHOP_READ_DESCRIPTOR } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.name, "carol-alert");
    const me = await t.request("GET", "/_security/_authenticate", { auth: { apiKey: res.body.encoded } });
    assert.equal(me.body.username, "carol");
    assert.deepEqual(me.body.api_key, { id: res.body.id, name: "carol-alert" });
    const info = await t.admin("GET", `/_security/api_key?id=${res.body.id}`);
    assert.equal(info.body.api_keys[0].username, "carol");
    assert.equal(info.body.api_keys[0].realm, "native");
    assert.deepEqual(info.body.api_keys[0].metadata, { purpose: "alert" });
    assert.deepEqual(Object.keys(info.body.api_keys[0].role_descriptors), ["orders"]);
  });

  it("grants for a Bearer secondary through the access_token grant; the key and the record outlive the token", async () => {
    const token = await t.admin("POST", "/_security/oauth2/token", { grant_type: "password", username: "carol", password: pass("carol") });
    assert.equal(token.status, 200, JSON.stringify(token.body));
    const bearer = `Bearer ${token.body.access_token}`;

    const record = (await capture(as("dashboard"), bearer)).body as AuthenticationRecord;
    assert.equal(record.type, "realm");
    assert.equal(record.authentication_type, "token");
    assert.equal(record.username, "carol");
    assert.deepEqual(record.realm, { name: "native", type: "native" });
    assert.ok(!JSON.stringify(record).includes(token.body.access_token), "the token is not captured");

    const granted = await t.request("POST", "/grant-for", {
      auth: as("dashboard"),
      headers: { "es-secondary-authorization": bearer },
      body: { name: "via-token" },
    });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    const invalidated = await t.admin("DELETE", "/_security/oauth2/token", { token: token.body.access_token });
    assert.equal(invalidated.body.invalidated_tokens, 1, JSON.stringify(invalidated.body));

    const me = await t.request("GET", "/_security/_authenticate", { auth: { apiKey: granted.body.encoded } });
    assert.equal(me.body.username, "carol");
    const restored = await t.security.restoreAuthentication(record);
    assert.equal(restored.user.username, "carol");
    assert.equal(restored.type, "realm");

    const stale = await t.request("POST", "/grant-for", {
      auth: as("dashboard"),
      headers: { "es-secondary-authorization": bearer },
      body: { name: "after-invalidation" },
    });
    assert.equal(stale.status, 401);
    assert.equal(stale.body.error.reason, "Failed to authenticate secondary user");
  });

  it("refuses grants without the privilege, without usable secondary credentials, or by an API key", async () => {
    const countCarolKeys = async () => ((await t.admin("GET", "/_security/api_key?username=carol")).body.api_keys as unknown[]).length;
    const before = await countCarolKeys();
    const grant = (auth: RequestOptions["auth"], secondary?: string) =>
      t.request("POST", "/grant-for", {
        auth,
        body: { name: "x" },
        ...(secondary ? { headers: { "es-secondary-authorization": secondary } } : {}),
      });

    const noPrivilege = await grant(as("dave"), basic("carol", pass("carol")));
    assert.equal(noPrivilege.status, 403);
    assert.match(
      noPrivilege.body.error.reason,
      /action \[cluster:admin\/xpack\/security\/api_key\/grant\] is unauthorized for user \[dave\]/,
    );

    const noSecondary = await grant(as("dashboard"));
    assert.equal(noSecondary.status, 400);
    assert.match(noSecondary.body.error.reason, /requires the user's credentials in the \[es-secondary-authorization\] header/);

    const daveKey = await t.request("POST", "/_security/api_key", { auth: as("dave"), body: { name: "as-secondary" } });
    const keySecondary = await grant(as("dashboard"), `ApiKey ${daveKey.body.encoded}`);
    assert.equal(keySecondary.status, 400);
    assert.match(
      keySecondary.body.error.reason,
      /an API key in the \[es-secondary-authorization\] header cannot be used to grant API keys/,
    );

    const keyPrimary = await grant({ apiKey: daveKey.body.encoded }, basic("carol", pass("carol")));
    assert.equal(keyPrimary.status, 400);
    assert.match(keyPrimary.body.error.reason, /API key cannot grant API keys/);

    const junk = await grant(as("dashboard"), basic("carol", "not-her-password"));
    assert.equal(junk.status, 401);
    assert.equal(await countCarolKeys(), before);
  });
});

const SHOP_READ_DESCRIPTOR = { applications: [{ application: "shop", privileges: ["read"], resources: ["orders"] }] };
