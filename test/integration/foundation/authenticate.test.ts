import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ADMIN_PASSWORD, basic, startTestApp, type TestApp } from "../../support/test-app.js";
import { assertExpressUnderTest, EXPRESS_MAJOR_UNDER_TEST } from "../../support/assert-express-under-test.js";

const CHALLENGES = ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', "ApiKey"];

describe("authentication chain (Basic, native realm)", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp("authn", { failureRateLimit: false });
    assert.equal(
      (
        await t.admin("PUT", "/_security/user/alice", {
          password: "alice-pass",
          roles: ["viewer"],
          full_name: "Alice A",
          email: "alice@example.com",
          metadata: { team: "red" },
        })
      ).status,
      200,
    );
  });
  after(() => t.close());

  it(`runs on Express ${EXPRESS_MAJOR_UNDER_TEST}, the library's own import included`, () => {
    assertExpressUnderTest(t.security.router());
  });

  it("returns Elasticsearch's _authenticate body for a native user", async () => {
    const res = await t.request("GET", "/_security/_authenticate", { auth: { user: "alice", password: "alice-pass" } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      username: "alice",
      roles: ["viewer"],
      full_name: "Alice A",
      email: "alice@example.com",
      metadata: { team: "red" },
      enabled: true,
      authentication_realm: { name: "native", type: "native" },
      lookup_realm: { name: "native", type: "native" },
      authentication_type: "realm",
    });
    assert.equal(res.headers.get("x-elastic-product"), "Elasticsearch");
  });

  it("accepts the scheme in any case", async () => {
    const res = await t.request("GET", "/_security/_authenticate", { auth: "bAsIc " + Buffer.from("alice:alice-pass").toString("base64") });
    assert.equal(res.status, 200);
    assert.equal(res.body.username, "alice");
  });

  it("refuses a wrong password with the ES reason and the three challenges", async () => {
    const res = await t.request("GET", "/_security/_authenticate", { auth: { user: "alice", password: "wrong-pass" } });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.type, "security_exception");
    assert.equal(res.body.error.reason, "unable to authenticate user [alice] for REST request [/_security/_authenticate]");
    assert.deepEqual(res.body.error.header["WWW-Authenticate"], CHALLENGES);
    assert.equal(res.body.error.root_cause[0].type, "security_exception");
    assert.equal(res.body.status, 401);
    assert.match(res.headers.get("www-authenticate") ?? "", /Basic realm="security"/);
  });

  it("refuses an unknown user like a wrong password", async () => {
    const res = await t.request("GET", "/_security/_authenticate", { auth: { user: "nobody", password: "whatever" } });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.reason, "unable to authenticate user [nobody] for REST request [/_security/_authenticate]");
  });

  it("says credentials are missing when there are none (or an unknown scheme)", async () => {
    for (const auth of [undefined, "Digest abc", "Negotiate"]) {
      const res = await t.request("GET", "/_security/_authenticate?pretty", auth ? { auth } : {});
      assert.equal(res.status, 401, String(auth));
      assert.equal(res.body.error.reason, "missing authentication credentials for REST request [/_security/_authenticate?pretty]");
    }
  });

  it("treats malformed credentials as unsuccessful attempts, never a 500", async () => {
    const cases: Array<[string, RegExp]> = [
      ["Basic %%%notbase64", /invalid basic authentication header encoding/],
      ["Basic " + Buffer.from("no-colon").toString("base64"), /invalid basic authentication header value/],
      ["ApiKey !!!", /unable to authenticate with provided credentials/],
      ["ApiKey " + Buffer.from(":secret").toString("base64"), /unable to authenticate with provided credentials/],
      ["Basic " + "A".repeat(10_000), /credentials are too long|invalid basic/],
      ["Bearer ", /./],
    ];
    for (const [auth, reason] of cases) {
      const res = await t.request("GET", "/_security/_authenticate", { auth });
      assert.equal(res.status, 401, auth.slice(0, 30));
      assert.match(res.body.error.reason, reason);
    }
    const apiKey = await t.request("GET", "/_security/_authenticate", { auth: "ApiKey !!!" });
    assert.equal(apiKey.body.error.additional_unsuccessful_credentials, "API key: invalid ApiKey value");
  });

  it("caches verified credentials so a repeat request does not run bcrypt again", async () => {
    const hasher = t.core.hasher;
    const original = hasher.verify.bind(hasher);
    let calls = 0;
    hasher.verify = async (password: string, hash: string) => {
      calls++;
      return original(password, hash);
    };
    try {
      await t.admin("PUT", "/_security/user/carol", { password: "carol-pass", roles: [] });
      for (let i = 0; i < 5; i++) {
        const res = await t.request("GET", "/_security/_authenticate", { auth: { user: "carol", password: "carol-pass" } });
        assert.equal(res.status, 200);
      }
      assert.equal(calls, 1);
      const wrong = await t.request("GET", "/_security/_authenticate", { auth: { user: "carol", password: "not-carol" } });
      assert.equal(wrong.status, 401);
      assert.equal(calls, 2, "a different password is verified against the stored hash, never accepted from the cache");
    } finally {
      hasher.verify = original;
    }
  });

  it("stops accepting the old password once it is changed, and refuses disabled users", async () => {
    await t.admin("PUT", "/_security/user/dave", { password: "dave-pass-1", roles: [] });
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: { user: "dave", password: "dave-pass-1" } })).status, 200);
    assert.equal((await t.admin("PUT", "/_security/user/dave/_password", { password: "dave-pass-2" })).status, 200);
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: { user: "dave", password: "dave-pass-1" } })).status, 401);
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: { user: "dave", password: "dave-pass-2" } })).status, 200);
    assert.equal((await t.admin("PUT", "/_security/user/dave/_disable")).status, 200);
    const disabled = await t.request("GET", "/_security/_authenticate", { auth: { user: "dave", password: "dave-pass-2" } });
    assert.equal(disabled.status, 401);
    assert.equal((await t.admin("PUT", "/_security/user/dave/_enable")).status, 200);
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: { user: "dave", password: "dave-pass-2" } })).status, 200);
  });

  it("lets users change their own password without manage_security", async () => {
    await t.admin("PUT", "/_security/user/erin", { password: "erin-pass-1", roles: [] });
    const res = await t.request("PUT", "/_security/user/_password", {
      auth: { user: "erin", password: "erin-pass-1" },
      body: { password: "erin-pass-2" },
    });
    assert.equal(res.status, 200);
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: basic("erin", "erin-pass-2") })).status, 200);
    const other = await t.request("PUT", "/_security/user/alice/_password", {
      auth: { user: "erin", password: "erin-pass-2" },
      body: { password: "hijacked" },
    });
    assert.equal(other.status, 403);
  });

  it("has the bootstrap superuser", async () => {
    const res = await t.request("GET", "/_security/_authenticate", { auth: { user: "elastic", password: ADMIN_PASSWORD } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.roles, ["superuser"]);
  });
});
