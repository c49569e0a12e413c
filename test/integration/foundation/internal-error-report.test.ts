import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { InternalErrorRequest } from "../../../lib/index.js";
import type { Realm } from "../../../lib/model/realm.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { assertExpressUnderTest, EXPRESS_MAJOR_UNDER_TEST } from "../../support/assert-express-under-test.js";

// An unexpected error is answered with an opaque 500 and handed to `onInternalError`, whichever
// layer it came from: the authenticate middleware, a guard, or a `/_security` route.

class Surprise extends Error {
  override name = "Surprise";
  readonly code = "E_SURPRISE";
}

describe("onInternalError: every opaque 500 is reported, never lost", () => {
  let t: TestApp;
  const reports: Array<{ error: unknown; request: InternalErrorRequest }> = [];
  // A realm that fails in a way the library cannot recognise, for one username.
  const broken: Realm = {
    name: "broken",
    type: "custom",
    async authenticate(input) {
      if (input.credentials?.username === "explodes") throw new Surprise("leaky detail s3cret");
      return null;
    },
  };

  before(async () => {
    t = await startTestApp(
      "internal_error",
      { failureRateLimit: false, realms: [broken], onInternalError: (error, request) => void reports.push({ error, request }) },
      (app, security) => {
        app.get("/guarded", security.requirePrivileges({ cluster: ["monitor"] }), (_req, res) => void res.json({ ok: true }));
      },
    );
  });

  after(async () => {
    await t.close();
  });

  it(`runs on Express ${EXPRESS_MAJOR_UNDER_TEST}, the library's own import included`, () => {
    assertExpressUnderTest(t.security.router());
  });

  it("reports an error of the authentication chain with method and path, and answers an opaque 500", async () => {
    reports.length = 0;
    const res = await t.request("GET", "/_security/_authenticate?pretty", { auth: { user: "explodes", password: "x" } });
    assert.equal(res.status, 500);
    assert.equal(res.body.error.reason, "internal server error");
    assert.doesNotMatch(JSON.stringify(res.body), /s3cret|Surprise/);
    assert.equal(reports.length, 1);
    assert.ok(reports[0]?.error instanceof Surprise);
    assert.deepEqual(reports[0]?.request, { method: "GET", path: "/_security/_authenticate" });
  });

  it("does not report what it answers itself (401, 400)", async () => {
    reports.length = 0;
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: { user: "nobody", password: "x" } })).status, 401);
    assert.equal(
      (await t.request("PUT", "/_security/role/x", { auth: { user: "elastic", password: "admin-password" }, body: { cluster: ["bogus"] } }))
        .status,
      400,
    );
    assert.equal(reports.length, 0);
  });

  it("a hook that throws does not stop the 500 from going out", async () => {
    const u = await startTestApp("internal_error_throwing", {
      failureRateLimit: false,
      realms: [broken],
      onInternalError: () => {
        throw new Error("hook broke");
      },
    });
    try {
      const res = await u.request("GET", "/_security/_authenticate", { auth: { user: "explodes", password: "x" } });
      assert.equal(res.status, 500);
      assert.equal(res.body.error.type, "exception");
    } finally {
      await u.close();
    }
  });

  it("the option is validated at construction", async () => {
    const { createSecurity } = await import("../../../lib/index.js");
    assert.throws(() => createSecurity({ connection: t.db.connection, onInternalError: "stderr" as never }), /onInternalError/);
  });
});
