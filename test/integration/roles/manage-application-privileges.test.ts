import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client, errors } from "@elastic/elasticsearch";
import { ADMIN_PASSWORD, startTestApp, type TestApp } from "../../support/test-app.js";

describe("global application-management privileges (global.application.manage)", () => {
  let t: TestApp;
  let admin: Client;
  let manager: Client;
  const clients: Client[] = [];
  const client = (auth: ConstructorParameters<typeof Client>[0]["auth"]) => {
    const c = new Client({ node: t.baseUrl, auth });
    clients.push(c);
    return c;
  };
  const status = async (call: Promise<unknown>): Promise<number> =>
    call.then(
      () => 200,
      (e: unknown) => {
        if (e instanceof errors.ResponseError) return e.statusCode ?? 0;
        throw e;
      },
    );

  before(async () => {
    t = await startTestApp("roles_global", { failureRateLimit: false });
    admin = client({ username: "elastic", password: ADMIN_PASSWORD });
    await admin.security.putRole({
      name: "app_manager",
      cluster: ["manage_own_api_key"],
      global: { application: { manage: { applications: ["app-*", "shop"] } } },
    });
    await admin.security.putRole({ name: "all_apps_manager", global: { application: { manage: { applications: ["*"] } } } });
    await admin.security.putUser({ username: "appm", password: "appm-pass", roles: ["app_manager"] });
    await admin.security.putUser({ username: "allm", password: "allm-pass", roles: ["all_apps_manager"] });
    manager = client({ username: "appm", password: "appm-pass" });
    await admin.security.putPrivileges({ privileges: { other: { read: { actions: ["data:read/*"] } } } });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await t.close();
  });

  it("is stored and returned by GET role, and listed by GET user/_privileges", async () => {
    const role = await admin.security.getRole({ name: "app_manager" });
    assert.deepEqual(role.app_manager?.global, { application: { manage: { applications: ["app-*", "shop"] } } });
    const privileges = await manager.security.getUserPrivileges();
    assert.deepEqual(privileges.global, [{ application: { manage: { applications: ["app-*", "shop"] } } }]);
    assert.deepEqual(privileges.cluster, ["manage_own_api_key"]);
    // It is no cluster privilege: _has_privileges does not report manage_security or the actions.
    const has = await manager.security.hasPrivileges({ cluster: ["manage_security", "cluster:admin/xpack/security/privilege/get"] });
    assert.deepEqual(has.cluster, { manage_security: false, "cluster:admin/xpack/security/privilege/get": false });
  });

  it("grants put, get and delete of privileges of the named applications only", async () => {
    assert.deepEqual(await manager.security.putPrivileges({ privileges: { "app-one": { read: { actions: ["data:read/*"] } } } }), {
      "app-one": { read: { created: true } },
    });
    await manager.security.putPrivileges({ privileges: { shop: { buy: { actions: ["action:buy"] } } } });
    assert.equal(await status(manager.security.putPrivileges({ privileges: { other: { write: { actions: ["data:write/*"] } } } })), 403);
    // One application outside the grant refuses the whole request, and nothing is written.
    assert.equal(
      await status(
        manager.security.putPrivileges({
          privileges: { "app-two": { read: { actions: ["data:read/*"] } }, other: { admin: { actions: ["*"] } } },
        }),
      ),
      403,
    );
    assert.equal((await t.admin("GET", "/_security/privilege/app-two")).status, 404);

    const got = await manager.security.getPrivileges({ application: "app-one" });
    assert.deepEqual(got, { "app-one": { read: { application: "app-one", name: "read", actions: ["data:read/*"], metadata: {} } } });
    assert.equal(await status(manager.security.getPrivileges({ application: "other" })), 403);
    assert.equal(await status(manager.security.getPrivileges({ application: "other", name: "read" })), 403);
    // Every application is asked for: only a grant of `*` covers it.
    assert.equal(await status(manager.security.getPrivileges()), 403);
    const denied = await t.request("GET", "/_security/privilege", { auth: { user: "appm", password: "appm-pass" } });
    assert.match(denied.body.error.reason, /^action \[cluster:admin\/xpack\/security\/privilege\/get\] is unauthorized for user \[appm\]/);
    const everything = await client({ username: "allm", password: "allm-pass" }).security.getPrivileges();
    assert.deepEqual(Object.keys(everything).sort(), ["app-one", "other", "shop"]);

    assert.equal(await status(manager.security.deletePrivileges({ application: "other", name: "read" })), 403);
    assert.deepEqual(await manager.security.deletePrivileges({ application: "app-one", name: "read" }), {
      "app-one": { read: { found: true } },
    });
    assert.equal((await t.admin("GET", "/_security/privilege/other/read")).status, 200, "the refused delete removed nothing");
  });

  it("grants nothing else of security: no privilege cache clearing, no built-in list, no role writes", async () => {
    assert.equal(await status(manager.security.clearCachedPrivileges({ application: "app-one" })), 403);
    assert.equal(await status(manager.security.getBuiltinPrivileges()), 403);
    assert.equal(await status(manager.security.putRole({ name: "x", cluster: ["all"] })), 403);
    assert.equal(await status(manager.security.getRole({ name: "app_manager" })), 403);
  });

  it("applies to API keys as the intersection of the key's descriptors and its owner's", async () => {
    const key = await manager.security.createApiKey({
      name: "app-one-only",
      role_descriptors: { narrow: { global: { application: { manage: { applications: ["app-one", "other"] } } } } },
    });
    const asKey = client({ apiKey: key.encoded });
    await asKey.security.putPrivileges({ privileges: { "app-one": { write: { actions: ["data:write/*"] } } } });
    assert.equal(await status(asKey.security.getPrivileges({ application: "app-one" })), 200);
    // The owner may manage app-two, the key may not; the key names `other`, the owner may not.
    assert.equal(await status(asKey.security.putPrivileges({ privileges: { "app-two": { read: { actions: ["data:read/*"] } } } })), 403);
    assert.equal(await status(asKey.security.getPrivileges({ application: "other" })), 403);
  });

  it("is validated as Elasticsearch parses it", async () => {
    const bad = await t.admin("PUT", "/_security/role/bad_global", { global: { application: { manage: { applications: "app-*" } } } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.type, "parse_exception");
    const unknown = await t.admin("PUT", "/_security/role/bad_global", { global: { application: { own: { applications: ["a"] } } } });
    assert.equal(unknown.status, 400);
    assert.equal((await t.admin("GET", "/_security/role/bad_global")).status, 404);
  });
});
