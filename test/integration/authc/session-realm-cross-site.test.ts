import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Realm, User } from "../../../lib/index.js";
import { ADMIN_PASSWORD, basic, startTestApp, type TestApp } from "../../support/test-app.js";

const ADMIN_SESSION: User = { username: "webadmin", roles: ["superuser"], full_name: null, email: null, metadata: {}, enabled: true };

// The README's session-realm pattern, declaring that its credential is a cookie.
const cookieRealm: Realm = {
  name: "session",
  type: "session",
  credentialsFromCookies: true,
  async authenticate({ request }) {
    const cookie = (request as { headers?: Record<string, string | undefined> }).headers?.cookie ?? "";
    return /(?:^|;\s*)sid=admin(?:;|$)/.test(cookie) ? ADMIN_SESSION : null;
  },
};

const SESSION = { cookie: "sid=admin" };
const FORM = { ...SESSION, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" };

describe("cookie realm: state-changing requests must not be cross-site form posts", () => {
  let t: TestApp;
  let orders = 0;
  const carolWorks = async () =>
    (await t.request("GET", "/_security/_authenticate", { auth: basic("carol", "carol-pass") })).status === 200;

  before(async () => {
    t = await startTestApp("session_csrf", { failureRateLimit: false, realms: [cookieRealm] }, (app, security) => {
      const guard = security.requirePrivileges({ cluster: ["manage_security"] });
      app.post("/orders", guard, (_req, res) => {
        orders++;
        res.json({ ok: true });
      });
      app.get("/orders", guard, (_req, res) => res.json({ orders }));
    });
    assert.equal((await t.admin("PUT", "/_security/user/carol", { password: "carol-pass", roles: [] })).status, 200);
  });
  after(() => t.close());

  it("refuses a bodyless _disable carrying only the cookie and a foreign Origin", async () => {
    for (const headers of [FORM, SESSION, { ...SESSION, origin: "https://evil.example" }, { ...SESSION, "content-type": "text/plain" }]) {
      const res = await t.request("POST", "/_security/user/carol/_disable", { headers });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.body.error.type, "security_exception");
      assert.equal(res.body.status, 403);
      assert.match(
        res.body.error.reason,
        /authenticated by the cookies of realm \[session\]: a state-changing request authenticated by cookies must have a JSON content type/,
      );
      assert.ok(await carolWorks(), "carol must still be enabled");
    }
    const enable = await t.request("POST", "/_security/user/carol/_enable", { headers: FORM });
    assert.equal(enable.status, 403);
    const clear = await t.request("POST", "/_security/api_key/*/_clear_cache", { headers: FORM });
    assert.equal(clear.status, 403);
  });

  it("lets the same call through with a JSON content type or from the same origin", async () => {
    const proofs: Array<Record<string, string>> = [
      { "content-type": "application/json" },
      { "content-type": "application/vnd.elasticsearch+json; compatible-with=8" },
      { "sec-fetch-site": "same-origin" },
      { origin: t.baseUrl },
    ];
    for (const proof of proofs) {
      const disabled = await t.request("POST", "/_security/user/carol/_disable", { headers: { ...SESSION, ...proof } });
      assert.equal(disabled.status, 200, `${JSON.stringify(proof)}: ${JSON.stringify(disabled.body)}`);
      assert.equal(await carolWorks(), false);
      assert.equal((await t.admin("POST", "/_security/user/carol/_enable")).status, 200);
      assert.ok(await carolWorks());
    }
    // Reads are not at stake, and a cross-site page cannot read the answer anyway.
    const read = await t.request("GET", "/_security/user/carol", { headers: { ...SESSION, origin: "https://evil.example" } });
    assert.equal(read.status, 200);
  });

  it("Basic credentials (which browsers replay) are refused only when a browser announces another site", async () => {
    const admin = basic("elastic", ADMIN_PASSWORD);
    const crossSite: Array<Record<string, string>> = [
      { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of crossSite) {
      const res = await t.request("POST", "/_security/user/carol/_disable", { auth: admin, headers });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.match(
        res.body.error.reason,
        /^refusing \[POST\] request from another site authenticated by Basic credentials a browser may have sent by itself/,
      );
      assert.ok(await carolWorks());
    }
    const key = await t.admin("POST", "/_security/api_key", { name: "admin-key" });
    assert.equal(key.status, 200);
    const allowed: Array<{ auth: string; headers: Record<string, string> }> = [
      { auth: admin, headers: {} }, // a client that is not a browser: no Origin, no Sec-Fetch-Site
      { auth: admin, headers: { origin: "https://evil.example", "content-type": "application/json" } },
      {
        auth: `ApiKey ${key.body.encoded}`,
        headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      },
    ];
    for (const { auth, headers } of allowed) {
      const res = await t.request("POST", "/_security/user/carol/_disable", { auth, headers });
      assert.equal(res.status, 200, `${JSON.stringify(headers)}: ${JSON.stringify(res.body)}`);
      assert.equal(await carolWorks(), false);
      assert.equal((await t.admin("POST", "/_security/user/carol/_enable")).status, 200);
    }
  });

  it("guards host routes on state-changing methods, on the first and on cached requests", async () => {
    assert.equal((await t.request("POST", "/orders", { headers: FORM })).status, 403);
    assert.equal(orders, 0);
    assert.equal(
      (await t.request("POST", "/orders", { headers: { ...SESSION, "content-type": "application/json" }, rawBody: "{}" })).status,
      200,
    );
    assert.equal(orders, 1);
    // The subject's permission has now passed this guard (the synchronous path): still refused.
    const again = await t.request("POST", "/orders", { headers: FORM });
    assert.equal(again.status, 403);
    assert.equal(again.body.error.type, "security_exception");
    assert.equal(orders, 1);
    const get = await t.request("GET", "/orders", { headers: { ...SESSION, origin: "https://evil.example" } });
    assert.equal(get.status, 200);
    assert.deepEqual(get.body, { orders: 1 });
  });

  it("never answers presented credentials with the cookie's identity", async () => {
    // A wrong Basic password next to a valid session cookie is a failed login, not the session.
    const wrong = await t.request("GET", "/_security/_authenticate", { auth: basic("elastic", "guess"), headers: SESSION });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.reason, "unable to authenticate user [elastic] for REST request [/_security/_authenticate]");
    // A secondary header is its own credential: a junk one fails even though the cookie is valid.
    const secondary = await t.request("GET", "/_security/_authenticate", {
      headers: { ...SESSION, "es-secondary-authorization": "Custom junk" },
    });
    assert.equal(secondary.status, 401);
    assert.equal(secondary.body.error.reason, "Failed to authenticate secondary user");
    const plain = await t.request("GET", "/_security/_authenticate", { headers: SESSION });
    assert.equal(plain.status, 200);
    assert.equal(plain.body.username, "webadmin");
  });
});
