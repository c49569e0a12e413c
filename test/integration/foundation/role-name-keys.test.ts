import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startDemoServer, type DemoServer } from "../../support/demo-server.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";

// Role names are user data: any printable string, commas and Object.prototype member names
// included. These pin down that no cache or table keyed by them confuses one name with another.

const PASSWORD = "role-keys-admin";
const ORDERS_READ = { application: [{ application: "shop", privileges: ["read"], resources: ["orders"] }] };
const PROTOTYPE_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf"];

function basic(user: string, password: string): string {
  return "Basic " + Buffer.from(`${user}:${password}`).toString("base64");
}

describe("role names as cache and table keys (demo app, seeded roles)", () => {
  let running: DemoServer;
  const call = async (method: string, path: string, auth: string, body?: unknown) => {
    const res = await fetch(running.base + path, {
      method,
      headers: { authorization: auth, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
  const admin = basic("elastic", PASSWORD);
  const putUser = async (username: string, roles: string[]) => {
    const res = await call("PUT", `/_security/user/${encodeURIComponent(username)}`, admin, { password: `${username}-pass`, roles });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };

  before(async () => {
    running = await startDemoServer("role_keys", PASSWORD);
  });
  after(() => running.close());

  it("a single role named `shop_admin,shop_reader` gets nothing from the cached permission of the two roles", async () => {
    await putUser("both", ["shop_admin", "shop_reader"]);
    await putUser("comma", ["shop_admin,shop_reader"]);
    const both = basic("both", "both-pass");
    const comma = basic("comma", "comma-pass");

    // Warm every cache with the holder of both roles first.
    assert.equal((await call("GET", "/orders", both)).status, 200);
    assert.equal((await call("POST", "/orders", both, { item: "pen", quantity: 1 })).status, 201);
    const bothHas = await call("POST", "/_security/user/_has_privileges", both, ORDERS_READ);
    assert.equal(bothHas.body?.has_all_requested, true);

    // The role `shop_admin,shop_reader` does not exist: the user holds no privilege at all.
    const read = await call("GET", "/orders", comma);
    assert.equal(read.status, 403, JSON.stringify(read.body));
    assert.equal((read.body?.error as { type?: string }).type, "security_exception");
    assert.equal((await call("POST", "/orders", comma, { item: "pen", quantity: 1 })).status, 403);
    assert.equal((await call("POST", "/_security/api_key", comma, { name: "nope" })).status, 403);
    const commaHas = await call("POST", "/_security/user/_has_privileges", comma, { ...ORDERS_READ, cluster: ["manage_own_api_key"] });
    assert.equal(commaHas.status, 200);
    assert.equal(commaHas.body?.has_all_requested, false);
    assert.deepEqual(commaHas.body?.cluster, { manage_own_api_key: false });

    // And the other way round: the holder of both roles is still served its own permission.
    assert.equal((await call("GET", "/orders", both)).status, 200);
  });

  it("roles named like Object.prototype members answer 403 / false, never 500", async () => {
    for (const role of PROTOTYPE_NAMES) {
      const username = `proto_${role.replace(/_/g, "")}`;
      await putUser(username, [role]);
      const auth = basic(username, `${username}-pass`);
      const orders = await call("GET", "/orders", auth);
      assert.equal(orders.status, 403, `${role}: ${JSON.stringify(orders.body)}`);
      const has = await call("POST", "/_security/user/_has_privileges", auth, { ...ORDERS_READ, cluster: ["monitor"] });
      assert.equal(has.status, 200, `${role}: ${JSON.stringify(has.body)}`);
      assert.equal(has.body?.has_all_requested, false, role);
      const me = await call("GET", "/_security/_authenticate", auth);
      assert.equal(me.status, 200, role);
      assert.deepEqual(me.body?.roles, [role]);
      const privileges = await call("GET", "/_security/user/_privileges", auth);
      assert.equal(privileges.status, 200, `${role}: ${JSON.stringify(privileges.body)}`);
      assert.deepEqual(privileges.body?.applications, []);
    }
  });

  it("native roles named like Object.prototype members grant what they define, and are listed by name", async () => {
    for (const role of ["toString", "constructor", "__proto__"]) {
      const put = await call("PUT", `/_security/role/${encodeURIComponent(role)}`, admin, {
        applications: [{ application: "shop", privileges: ["read"], resources: ["orders"] }],
      });
      assert.equal(put.status, 200, `${role}: ${JSON.stringify(put.body)}`);
      const username = `native_${role.replace(/_/g, "")}`;
      await putUser(username, [role]);
      const auth = basic(username, `${username}-pass`);
      assert.equal((await call("GET", "/orders", auth)).status, 200, role);
      assert.equal((await call("POST", "/orders", auth, { item: "pen", quantity: 1 })).status, 403, role);
      const has = await call("POST", "/_security/user/_has_privileges", auth, ORDERS_READ);
      assert.equal(has.body?.has_all_requested, true, role);
    }
    // GET /_security/role lists each under its own name (no key lost to the prototype).
    const listed = await call("GET", "/_security/role", admin);
    assert.equal(listed.status, 200);
    const names = Object.keys(listed.body ?? {});
    for (const role of ["toString", "constructor", "__proto__"]) assert.ok(names.includes(role), `${role} missing from ${names.join(",")}`);
    const one = await call("GET", "/_security/role/constructor", admin);
    assert.equal(one.status, 200);
    assert.deepEqual(Object.keys(one.body ?? {}), ["constructor"]);
    assert.deepEqual((one.body?.constructor as { applications?: unknown }).applications, [
      { application: "shop", privileges: ["read"], resources: ["orders"] },
    ]);
    // The built-in role stays reserved, and a name that only looks like a table member is not.
    assert.equal((await call("PUT", "/_security/role/superuser", admin, {})).status, 400);
    assert.equal((await call("DELETE", "/_security/role/toString", admin)).status, 200);
  });

  it("users and application privileges named like Object.prototype members are listed by name", async () => {
    await putUser("__proto__", ["shop_reader"]);
    const users = await call("GET", "/_security/user", admin);
    assert.equal(users.status, 200);
    assert.ok(Object.keys(users.body ?? {}).includes("__proto__"), JSON.stringify(Object.keys(users.body ?? {})));

    const put = await call("PUT", "/_security/privilege", admin, { toString: { read: { actions: ["data:read/*"] } } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body, { toString: { read: { created: true } } });
    const got = await call("GET", "/_security/privilege/toString", admin);
    assert.deepEqual(got.body, { toString: { read: { application: "toString", name: "read", actions: ["data:read/*"], metadata: {} } } });
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the function object itself is inspected, never called
    assert.equal(Object.hasOwn(Object.prototype.toString, "read"), false, "nothing was written onto Object.prototype.toString");
  });
});

describe("API-key bulk update: errors keyed by the ids as given", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp("role_keys_bulk", { failureRateLimit: false });
    await t.admin("PUT", "/_security/role/own_keys", { cluster: ["manage_own_api_key"] });
    await t.admin("PUT", "/_security/user/keyowner", { password: "keyowner-pass", roles: ["own_keys"] });
  });
  after(() => t.close());

  it("unknown ids named `__proto__` and `constructor` are each reported under their own name", async () => {
    const res = await t.request("POST", "/_security/api_key/_bulk_update", {
      auth: { user: "keyowner", password: "keyowner-pass" },
      rawBody: '{"ids":["__proto__","constructor"]}',
      headers: { "content-type": "application/json" },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.errors.count, 2);
    assert.deepEqual(Object.keys(res.body.errors.details), ["__proto__", "constructor"]);
    assert.equal(res.body.errors.details.constructor.type, "resource_not_found_exception");
  });
});

describe("static roles (the roles option) looked up by user-given names", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(
      "role_keys_static",
      {
        failureRateLimit: false,
        roles: {
          valueOf: { applications: [{ application: "shop", privileges: ["read"], resources: ["*"] }] },
          shop_reader: { applications: [{ application: "shop", privileges: ["read"], resources: ["*"] }] },
        },
      },
      (app, security) => {
        app.get("/orders", security.requirePrivileges(ORDERS_READ), (_req, res) => {
          res.json({ ok: true });
        });
      },
    );
    await t.admin("PUT", "/_security/privilege", { shop: { read: { actions: ["data:read/*"] } } });
  });
  after(() => t.close());

  it("a static role named `valueOf` grants its privileges; `toString` and `constructor` are unknown roles", async () => {
    for (const [username, roles, expected] of [
      ["static_valueof", ["valueOf"], 200],
      ["static_tostring", ["toString"], 403],
      ["static_constructor", ["constructor", "hasOwnProperty", "__proto__"], 403],
    ] as const) {
      assert.equal((await t.admin("PUT", `/_security/user/${username}`, { password: "static-pass", roles: [...roles] })).status, 200);
      const res = await t.request("GET", "/orders", { auth: { user: username, password: "static-pass" } });
      assert.equal(res.status, expected, `${username}: ${JSON.stringify(res.body)}`);
      const has = await t.request("POST", "/_security/user/_has_privileges", {
        auth: { user: username, password: "static-pass" },
        body: ORDERS_READ,
      });
      assert.equal(has.status, 200);
      assert.equal(has.body.has_all_requested, expected === 200);
    }
    // Static roles are reserved; names that merely exist on Object.prototype are not.
    assert.equal((await t.admin("PUT", "/_security/role/valueOf", {})).status, 400);
    assert.equal((await t.admin("PUT", "/_security/role/hasOwnProperty", {})).status, 200);
    const listed = await t.admin("GET", "/_security/role/valueOf");
    assert.equal(listed.status, 200);
    assert.equal(listed.body.valueOf.metadata._reserved, true);
  });
});
