import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestApp, type TestApp } from "../../support/test-app.js";

// The hot path lets a cached subject through a guard without re-checking its privileges (see
// require-privileges.ts). These tests prove the shortcut never outlives what it relies on.

describe("hot-path shortcuts stay correct", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp("hot_path", { failureRateLimit: false }, (app, security) => {
      app.get(
        "/orders",
        security.requirePrivileges({ application: [{ application: "shop", privileges: ["read"], resources: ["orders"] }] }),
        (_req, res) => {
          res.json({ ok: true });
        },
      );
      app.post(
        "/orders",
        security.requirePrivileges({ application: [{ application: "shop", privileges: ["write"], resources: ["orders"] }] }),
        (_req, res) => {
          res.json({ ok: true });
        },
      );
    });
    await t.admin("PUT", "/_security/privilege", { shop: { read: { actions: ["data:read/*"] }, write: { actions: ["data:write/*"] } } });
    await t.admin("PUT", "/_security/role/shop_reader", {
      cluster: ["manage_own_api_key"],
      applications: [{ application: "shop", privileges: ["read"], resources: ["*"] }],
    });
    await t.admin("PUT", "/_security/user/ann", { password: "ann-password", roles: ["shop_reader"] });
  });
  after(() => t.close());

  const ann = { user: "ann", password: "ann-password" };

  it("a guard's remembered verdict is per guard: passing one never opens another", async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await t.request("GET", "/orders", { auth: ann })).status, 200);
      const write = await t.request("POST", "/orders", { auth: ann });
      assert.equal(write.status, 403);
      assert.match(write.body.error.reason, /action \[shop:write\] is unauthorized for user \[ann\]/);
    }
  });

  it("a role change takes effect on the next request, even after many allowed ones", async () => {
    for (let i = 0; i < 5; i++) assert.equal((await t.request("GET", "/orders", { auth: ann })).status, 200);
    await t.admin("PUT", "/_security/role/shop_reader", { cluster: ["manage_own_api_key"], applications: [] });
    assert.equal((await t.request("GET", "/orders", { auth: ann })).status, 403);
    await t.admin("PUT", "/_security/role/shop_reader", {
      cluster: ["manage_own_api_key"],
      applications: [{ application: "shop", privileges: ["read", "write"], resources: ["*"] }],
    });
    assert.equal((await t.request("GET", "/orders", { auth: ann })).status, 200);
    assert.equal((await t.request("POST", "/orders", { auth: ann })).status, 200);
  });

  it("an API key let through by a guard is refused once invalidated", async () => {
    const key = await t.request("POST", "/_security/api_key", { auth: ann, body: { name: "hot-path" } });
    assert.equal(key.status, 200);
    const auth = { apiKey: key.body.encoded as string };
    for (let i = 0; i < 3; i++) assert.equal((await t.request("GET", "/orders", { auth })).status, 200);
    const invalidated = await t.admin("DELETE", "/_security/api_key", { ids: [key.body.id] });
    assert.deepEqual(invalidated.body.invalidated_api_keys, [key.body.id], JSON.stringify(invalidated.body));
    assert.equal((await t.request("GET", "/orders", { auth })).status, 401);
  });

  it("a cached password stops working when it is changed", async () => {
    await t.admin("PUT", "/_security/user/bob", { password: "bob-password-1", roles: ["shop_reader"] });
    for (let i = 0; i < 3; i++)
      assert.equal((await t.request("GET", "/orders", { auth: { user: "bob", password: "bob-password-1" } })).status, 200);
    assert.equal((await t.request("GET", "/orders", { auth: { user: "bob", password: "wrong-password" } })).status, 401);
    await t.admin("PUT", "/_security/user/bob/_password", { password: "bob-password-2" });
    assert.equal((await t.request("GET", "/orders", { auth: { user: "bob", password: "bob-password-1" } })).status, 401);
    assert.equal((await t.request("GET", "/orders", { auth: { user: "bob", password: "bob-password-2" } })).status, 200);
  });
});
