import assert from "node:assert/strict";
import { IncomingMessage } from "node:http";
import { after, before, describe, it } from "node:test";
import { ADMIN_PASSWORD, basic, startTestApp, type TestApp } from "../../support/test-app.js";

// `req.security` is a plain property of each request: the library changes no Node built-in.
describe("req.security is a per-request property", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp("req-security-property", {}, (app, security) => {
      app.get("/whoami", (req, res) => {
        res.json({ user: req.security?.authentication.user.username ?? null, own: Object.hasOwn(req, "security") });
      });
      // Mounted without authenticate(): must see nothing from earlier requests on the connection.
      app.get("/open", (req, res) => res.json({ security: req.security ?? null }));
      void security;
    });
  });
  after(() => t.close());

  it("leaves http.IncomingMessage.prototype alone", () => {
    assert.equal(Object.getOwnPropertyDescriptor(IncomingMessage.prototype, "security"), undefined);
    assert.equal("security" in IncomingMessage.prototype, false);
  });

  it("is an own property on the slow path and on a cache hit, and never leaks to the next request", async () => {
    const auth = basic("elastic", ADMIN_PASSWORD);
    for (let i = 0; i < 3; i++) {
      // The first request verifies the password (slow path); the next ones are cache hits.
      const res = await t.request("GET", "/whoami", { auth });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { user: "elastic", own: true });
    }
    const unauthenticated = await t.request("GET", "/whoami");
    assert.equal(unauthenticated.status, 401);
  });
});
