import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Request } from "express";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import type { Realm, User } from "../../../lib/index.js";
import { assertExpressUnderTest, EXPRESS_MAJOR_UNDER_TEST } from "../../support/assert-express-under-test.js";

// A realm trusting an identity established by upstream session middleware, as a host app with
// existing logins would write it.
const sessionRealm: Realm = {
  name: "session",
  type: "session",
  async authenticate({ request }) {
    const user = (request as Request & { sessionUser?: User }).sessionUser;
    return user ?? null;
  },
};

describe("authorization: guards, has_privileges, run-as, secondary, custom realms", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(
      "authz",
      {
        failureRateLimit: false,
        realms: [sessionRealm],
        roles: { static_reader: { indices: [{ names: ["index-a"], privileges: ["read"] }] } },
      },
      (app, security) => {
        app.get("/logs", security.requirePrivileges({ index: [{ names: ["index-a"], privileges: ["read"] }] }), (req, res) => {
          res.json({ ok: true, user: req.security?.authentication.user.username });
        });
        app.get(
          "/shop",
          security.requirePrivileges({ application: [{ application: "shop", privileges: ["read"], resources: ["orders"] }] }),
          (_req, res) => {
            res.json({ ok: true });
          },
        );
      },
    );
    await t.admin("PUT", "/_security/privilege", { shop: { read: { actions: ["data:read/*"] } } });
    await t.admin("PUT", "/_security/role/shopper", { applications: [{ application: "shop", privileges: ["read"], resources: ["*"] }] });
    await t.admin("PUT", "/_security/role/impersonator", { run_as: ["target*"] });
    await t.admin("PUT", "/_security/user/reader", { password: "reader-pass", roles: ["static_reader"] });
    await t.admin("PUT", "/_security/user/shopper", { password: "shopper-pass", roles: ["shopper"] });
    await t.admin("PUT", "/_security/user/imp", { password: "imp-pass", roles: ["impersonator"] });
    await t.admin("PUT", "/_security/user/target1", { password: "target-pass", roles: ["shopper"], full_name: "Target One" });
    await t.admin("PUT", "/_security/user/other", { password: "other-pass", roles: [] });
  });
  after(() => t.close());

  it(`runs on Express ${EXPRESS_MAJOR_UNDER_TEST}, the library's own import included`, () => {
    assertExpressUnderTest(t.security.router());
  });

  it("requirePrivileges lets a holder through and answers 403 otherwise", async () => {
    const ok = await t.request("GET", "/logs", { auth: { user: "reader", password: "reader-pass" } });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { ok: true, user: "reader" });
    const denied = await t.request("GET", "/logs", { auth: { user: "shopper", password: "shopper-pass" } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.type, "security_exception");
    assert.match(denied.body.error.reason, /is unauthorized for user \[shopper\] with effective roles \[shopper\] on indices \[index-a\]/);
    assert.equal((await t.request("GET", "/shop", { auth: { user: "shopper", password: "shopper-pass" } })).status, 200);
    const noApp = await t.request("GET", "/shop", { auth: { user: "reader", password: "reader-pass" } });
    assert.equal(noApp.status, 403);
    assert.equal((await t.request("GET", "/shop")).status, 401);
  });

  it("answers _has_privileges with pattern coverage semantics", async () => {
    const res = await t.request("POST", "/_security/user/_has_privileges", {
      auth: { user: "reader", password: "reader-pass" },
      body: { cluster: ["monitor"], index: [{ names: ["index-a", "*"], privileges: ["read", "write"] }] },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      username: "reader",
      has_all_requested: false,
      cluster: { monitor: false },
      index: { "index-a": { read: true, write: false }, "*": { read: false, write: false } },
      application: {},
    });
    const bad = await t.request("POST", "/_security/user/_has_privileges", {
      auth: { user: "reader", password: "reader-pass" },
      body: { cluster: "monitor", index: { $gt: "" } },
    });
    assert.equal(bad.status, 400);
  });

  it("describes a user's privileges", async () => {
    const res = await t.request("GET", "/_security/user/_privileges", { auth: { user: "reader", password: "reader-pass" } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.cluster, []);
    assert.deepEqual(res.body.indices[0].names, ["index-a"]);
    assert.deepEqual(res.body.indices[0].privileges, ["read"]);
  });

  it("runs as another user only when a role grants run_as for them", async () => {
    const ok = await t.request("GET", "/_security/_authenticate", {
      auth: { user: "imp", password: "imp-pass" },
      headers: { "es-security-runas-user": "target1" },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.username, "target1");
    assert.equal(ok.body.full_name, "Target One");
    assert.deepEqual(ok.body.authentication_realm, { name: "native", type: "native" });
    assert.deepEqual(ok.body.lookup_realm, { name: "native", type: "native" });
    const asTarget = await t.request("GET", "/shop", {
      auth: { user: "imp", password: "imp-pass" },
      headers: { "es-security-runas-user": "target1" },
    });
    assert.equal(asTarget.status, 200, "the action is authorized with the target's roles");
    const denied = await t.request("GET", "/_security/_authenticate", {
      auth: { user: "imp", password: "imp-pass" },
      headers: { "es-security-runas-user": "other" },
    });
    assert.equal(denied.status, 403);
    assert.equal(
      denied.body.error.reason,
      "action [cluster:admin/xpack/security/user/authenticate] is unauthorized for user [imp] with effective roles [impersonator], because user [imp] is unauthorized to run as [other]",
    );
    const missing = await t.request("GET", "/_security/_authenticate", {
      auth: { user: "imp", password: "imp-pass" },
      headers: { "es-security-runas-user": "target-missing" },
    });
    assert.equal(missing.status, 403);
  });

  it("authenticates es-secondary-authorization and refuses a bad one with one 401", async () => {
    let seen: { primary?: string; secondary?: string } = {};
    t.app.get("/whoami", (req, res) => {
      seen = { primary: req.security?.authentication.user.username, secondary: req.security?.secondary?.user.username };
      res.json(seen);
    });
    const ok = await t.request("GET", "/whoami", {
      auth: { user: "reader", password: "reader-pass" },
      headers: { "es-secondary-authorization": "Basic " + Buffer.from("shopper:shopper-pass").toString("base64") },
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { primary: "reader", secondary: "shopper" });
    for (const value of ["Basic " + Buffer.from("shopper:nope").toString("base64"), "junk", "ApiKey !!"]) {
      const bad = await t.request("GET", "/whoami", {
        auth: { user: "reader", password: "reader-pass" },
        headers: { "es-secondary-authorization": value },
      });
      assert.equal(bad.status, 401, value);
      assert.equal(bad.body.error.reason, "Failed to authenticate secondary user");
      assert.equal(bad.body.error.caused_by.type, "security_exception");
    }
  });

  it("plugs a host realm into the chain", async () => {
    const { default: express } = await import("express");
    const inner = express();
    inner.use((req, _res, next) => {
      if (req.headers["x-session"] === "valid")
        (req as Request & { sessionUser?: User }).sessionUser = {
          username: "sess",
          roles: ["shopper"],
          full_name: null,
          email: null,
          metadata: {},
          enabled: true,
        };
      next();
    });
    inner.use(t.security.authenticate());
    inner.get("/me", (req, res) => res.json(req.security?.authentication.toJSON()));
    const server = inner.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const port = (server.address() as { port: number }).port;
      const res = await fetch(`http://127.0.0.1:${port}/me`, { headers: { "x-session": "valid" } });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { username: string; authentication_realm: unknown; authentication_type: string };
      assert.equal(body.username, "sess");
      assert.deepEqual(body.authentication_realm, { name: "session", type: "session" });
      assert.equal(body.authentication_type, "realm");
      const anon = await fetch(`http://127.0.0.1:${port}/me`);
      assert.equal(anon.status, 401);
    } finally {
      server.close();
    }
  });
});
