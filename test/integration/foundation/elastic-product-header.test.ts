import assert from "node:assert/strict";
import type { Express } from "express";
import { after, before, describe, it } from "node:test";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { ADMIN_PASSWORD, startTestApp, type TestApp } from "../../support/test-app.js";

// Official Elasticsearch clients refuse an answer without `x-elastic-product: Elasticsearch`, so
// it is on by default; `elasticProductHeader: false` turns it off for every answer of the
// security layer, successes included.

const ADMIN = { user: "elastic", password: ADMIN_PASSWORD };

function mountGuarded(app: Express, security: TestApp["security"]): void {
  app.post("/guarded", security.requirePrivileges({ cluster: ["manage_security"] }), (_req, res) => void res.json({ ok: true }));
  app.use(security.errorHandler());
}

describe("elasticProductHeader", () => {
  let db: TestDatabase;
  let on: TestApp;
  let off: TestApp;
  before(async () => {
    db = await openTestDatabase("product_header");
    on = await startTestApp("product_header", { failureRateLimit: false }, mountGuarded, db);
    off = await startTestApp("product_header", { failureRateLimit: false, elasticProductHeader: false }, mountGuarded, db);
    assert.equal((await on.admin("PUT", "/_security/user/viewer", { password: "viewer-pass", roles: [] })).status, 200);
  });
  after(async () => {
    await on?.close();
    await off?.close();
    await db?.drop();
  });

  const cases: Array<{ name: string; status: number; run: (t: TestApp) => ReturnType<TestApp["request"]> }> = [
    { name: "a successful /_security answer", status: 200, run: (t) => t.request("GET", "/_security/_authenticate", { auth: ADMIN }) },
    {
      name: "a successful /_security answer with another status",
      status: 404,
      run: (t) => t.request("GET", "/_security/role/no-such-role", { auth: ADMIN }),
    },
    {
      name: "a refused credential",
      status: 401,
      run: (t) => t.request("GET", "/_security/_authenticate", { auth: { user: "elastic", password: "wrong" } }),
    },
    { name: "a route's error", status: 400, run: (t) => t.request("GET", "/_security/_authenticate?nope=1", { auth: ADMIN }) },
    {
      name: "a guard's refusal",
      status: 403,
      run: (t) => t.request("POST", "/guarded", { auth: { user: "viewer", password: "viewer-pass" } }),
    },
  ];

  for (const c of cases) {
    it(`is sent by default on ${c.name}`, async () => {
      const res = await c.run(on);
      assert.equal(res.status, c.status);
      assert.equal(res.headers.get("x-elastic-product"), "Elasticsearch");
    });
    it(`is not sent on ${c.name} when the option is false`, async () => {
      const res = await c.run(off);
      assert.equal(res.status, c.status);
      assert.equal(res.headers.get("x-elastic-product"), null);
    });
  }

  it("is left to the app on the app's own answers", async () => {
    const res = await on.request("POST", "/guarded", { auth: ADMIN });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-elastic-product"), null);
  });
});
