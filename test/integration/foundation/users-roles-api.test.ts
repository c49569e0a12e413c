import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestApp, type TestApp } from "../../support/test-app.js";

describe("users, roles and application privileges APIs", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp("crud", { failureRateLimit: false });
  });
  after(() => t.close());

  it("creates, reads, updates and deletes a user with ES responses", async () => {
    const created = await t.admin("PUT", "/_security/user/bob", {
      password: "bob-pass",
      roles: ["a", "b"],
      full_name: "Bob",
      email: null,
      metadata: { n: 1 },
    });
    assert.equal(created.status, 200);
    assert.deepEqual(created.body, { created: true });
    const updated = await t.admin("POST", "/_security/user/bob", { roles: ["a"] });
    assert.deepEqual(updated.body, { created: false });
    const got = await t.admin("GET", "/_security/user/bob");
    assert.deepEqual(got.body, {
      bob: { username: "bob", roles: ["a"], full_name: "Bob", email: null, metadata: { n: 1 }, enabled: true },
    });
    assert.equal(JSON.stringify(got.body).includes("password"), false, "no hash ever leaves the store");
    const all = await t.admin("GET", "/_security/user");
    assert.ok(all.body.bob && all.body.elastic);
    const missing = await t.admin("GET", "/_security/user/nobody");
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, {});
    assert.deepEqual((await t.admin("DELETE", "/_security/user/bob")).body, { found: true });
    const again = await t.admin("DELETE", "/_security/user/bob");
    assert.equal(again.status, 404);
    assert.deepEqual(again.body, { found: false });
  });

  it("validates user bodies with ES errors and writes nothing", async () => {
    const cases: Array<[unknown, number, string, RegExp]> = [
      [{ password: "short", roles: [] }, 400, "action_request_validation_exception", /passwords must be at least \[6\] characters long/],
      [{ roles: [] }, 400, "action_request_validation_exception", /password must be specified unless you are updating an existing user/],
      [
        { username: "other", password: "longenough" },
        400,
        "illegal_argument_exception",
        /\[username\] in source does not match the username provided \[val\]/,
      ],
      [{ password: "longenough", roles: "admin", full_name: 5 }, 400, "parse_exception", /full_name/],
      [{ password: { $gt: "" } }, 400, "parse_exception", /password/],
      [{ password: "longenough", metadata: { $where: "1" } }, 400, "parse_exception", /\$where/],
      [{ password: "longenough", metadata: { _secret: 1 } }, 400, "parse_exception", /metadata keys may not start with \[_\]/],
      [{ password: "longenough", enabled: "yes" }, 400, "parse_exception", /enabled/],
      [{ password: "longenough", surprise: 1 }, 400, "parse_exception", /unexpected field \[surprise\]/],
      [["not", "an", "object"], 400, "parse_exception", /must be a JSON object/],
    ];
    for (const [body, status, type, reason] of cases) {
      const res = await t.admin("PUT", "/_security/user/val", body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.body.error.type, type, JSON.stringify(body));
      assert.match(res.body.error.reason, reason);
    }
    assert.equal((await t.admin("GET", "/_security/user/val")).status, 404, "a rejected request creates nothing");
    const badName = await t.admin("PUT", "/_security/user/%20padded", { password: "longenough" });
    assert.equal(badName.status, 400);
    assert.equal(badName.body.error.type, "action_request_validation_exception");
  });

  it("rejects malformed JSON, oversize bodies and unknown query parameters", async () => {
    const malformed = await t.request("PUT", "/_security/user/x", {
      auth: { user: "elastic", password: "admin-password" },
      rawBody: "{not json",
      headers: { "content-type": "application/json" },
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.type, "x_content_parse_exception");
    const huge = await t.request("PUT", "/_security/user/x", {
      auth: { user: "elastic", password: "admin-password" },
      body: { password: "longenough", metadata: { blob: "x".repeat(2_000_000) } },
    });
    assert.equal(huge.status, 413);
    const param = await t.admin("GET", "/_security/user?bogus=1");
    assert.equal(param.status, 400);
    assert.equal(param.body.error.reason, "request [/_security/user] contains unrecognized parameter: [bogus]");
  });

  it("accepts Elasticsearch's vendor media type", async () => {
    const res = await t.request("PUT", "/_security/user/vendor", {
      auth: { user: "elastic", password: "admin-password" },
      rawBody: JSON.stringify({ password: "vendor-pass", roles: [] }),
      headers: { "content-type": "application/vnd.elasticsearch+json; compatible-with=9" },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { created: true });
  });

  it("manages roles, refusing unknown privileges and reserved names", async () => {
    const put = await t.admin("PUT", "/_security/role/reader", {
      cluster: ["monitor"],
      index: [{ names: "logs-*", privileges: ["read"] }],
      metadata: { v: 1 },
    });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, { role: { created: true } });
    const got = await t.admin("GET", "/_security/role/reader");
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.reader.indices[0].names, ["logs-*"]);
    assert.equal(got.body.reader.indices[0].allow_restricted_indices, false);
    assert.deepEqual(got.body.reader.run_as, []);
    assert.deepEqual(got.body.reader.transient_metadata, { enabled: true });
    const bad = await t.admin("PUT", "/_security/role/broken", { cluster: ["fly_to_the_moon"] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.reason, /unknown cluster privilege \[fly_to_the_moon\]/);
    assert.equal((await t.admin("GET", "/_security/role/broken")).status, 404);
    assert.equal((await t.admin("PUT", "/_security/role/superuser", { cluster: [] })).status, 400);
    assert.equal((await t.admin("GET", "/_security/role/superuser")).body.superuser.cluster[0], "all");
    assert.deepEqual((await t.admin("DELETE", "/_security/role/reader")).body, { found: true });
    assert.equal((await t.admin("DELETE", "/_security/role/reader")).status, 404);
    assert.deepEqual((await t.admin("GET", "/_security/role/reader,ghost")).body, {});
  });

  it("needs manage_security to write and read_security to read, with ES's 403 wording", async () => {
    await t.admin("PUT", "/_security/role/security_reader", { cluster: ["read_security"] });
    await t.admin("PUT", "/_security/user/reader", { password: "reader-pass", roles: ["security_reader"] });
    await t.admin("PUT", "/_security/user/plain", { password: "plain-pass", roles: [] });
    const reader = { user: "reader", password: "reader-pass" };
    assert.equal((await t.request("GET", "/_security/user", { auth: reader })).status, 200);
    const denied = await t.request("PUT", "/_security/user/mallory", { auth: reader, body: { password: "mallory-pass" } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.type, "security_exception");
    assert.equal(
      denied.body.error.reason,
      "action [cluster:admin/xpack/security/user/put] is unauthorized for user [reader] with effective roles [security_reader], this action is granted by the cluster privileges [manage_security,all]",
    );
    const plain = await t.request("GET", "/_security/role", { auth: { user: "plain", password: "plain-pass" } });
    assert.equal(plain.status, 403);
    assert.match(
      plain.body.error.reason,
      /^action \[cluster:admin\/xpack\/security\/role\/get\] is unauthorized for user \[plain\] with effective roles \[\], this action is granted by the cluster privileges \[read_security,manage_security,all\]$/,
    );
  });

  it("defines application privileges and resolves names to actions", async () => {
    const put = await t.admin("PUT", "/_security/privilege", {
      myapp: { read: { actions: ["data:read/*"] }, write: { actions: ["data:write/*"], metadata: { k: "v" } } },
    });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, { myapp: { read: { created: true }, write: { created: true } } });
    const get = await t.admin("GET", "/_security/privilege/myapp/read");
    assert.deepEqual(get.body, { myapp: { read: { application: "myapp", name: "read", actions: ["data:read/*"], metadata: {} } } });
    assert.equal((await t.admin("GET", "/_security/privilege/nope")).status, 404);
    const bad = await t.admin("PUT", "/_security/privilege", { "1bad": { read: { actions: ["data:read/*"] } } });
    assert.equal(bad.status, 400);
    await t.admin("PUT", "/_security/role/myapp_reader", {
      applications: [{ application: "myapp", privileges: ["read"], resources: ["*"] }],
    });
    await t.admin("PUT", "/_security/user/appuser", { password: "appuser-pass", roles: ["myapp_reader"] });
    const check = await t.request("POST", "/_security/user/_has_privileges", {
      auth: { user: "appuser", password: "appuser-pass" },
      body: {
        application: [{ application: "myapp", privileges: ["data:read/me", "data:write/me", "read"], resources: ["*", "some-other-res"] }],
      },
    });
    assert.equal(check.status, 200);
    assert.deepEqual(check.body, {
      username: "appuser",
      has_all_requested: false,
      cluster: {},
      index: {},
      application: {
        myapp: {
          "*": { "data:read/me": true, "data:write/me": false, read: true },
          "some-other-res": { "data:read/me": true, "data:write/me": false, read: true },
        },
      },
    });
    const del = await t.admin("DELETE", "/_security/privilege/myapp/write,ghost");
    assert.deepEqual(del.body, { myapp: { write: { found: true }, ghost: { found: false } } });
  });

  it("grants any application privilege, defined or not, to a role holding the `*` privilege (superuser included)", async () => {
    const ask = { application: [{ application: "undefinedapp", privileges: ["anything", "data:read/x"], resources: ["*", "r/1"] }] };
    const asSuperuser = await t.admin("POST", "/_security/user/_has_privileges", ask);
    assert.equal(asSuperuser.status, 200);
    assert.deepEqual(asSuperuser.body, {
      username: "elastic",
      has_all_requested: true,
      cluster: {},
      index: {},
      application: { undefinedapp: { "*": { anything: true, "data:read/x": true }, "r/1": { anything: true, "data:read/x": true } } },
    });

    await t.admin("PUT", "/_security/role/any_app_star", { applications: [{ application: "*", privileges: ["*"], resources: ["*"] }] });
    await t.admin("PUT", "/_security/role/undef_app_partial", {
      applications: [{ application: "undefinedapp", privileges: ["data:*"], resources: ["*"] }],
    });
    await t.admin("PUT", "/_security/user/starapp", { password: "starapp-pass", roles: ["any_app_star"] });
    await t.admin("PUT", "/_security/user/partialapp", { password: "partialapp-pass", roles: ["undef_app_partial"] });
    const asStar = await t.request("POST", "/_security/user/_has_privileges", {
      auth: { user: "starapp", password: "starapp-pass" },
      body: ask,
    });
    assert.equal(asStar.body.has_all_requested, true);
    assert.deepEqual(asStar.body.application.undefinedapp["r/1"], { anything: true, "data:read/x": true });
    // Only a pattern matching every action covers an undefined name: `data:*` does not.
    const asPartial = await t.request("POST", "/_security/user/_has_privileges", {
      auth: { user: "partialapp", password: "partialapp-pass" },
      body: ask,
    });
    assert.equal(asPartial.body.has_all_requested, false);
    assert.deepEqual(asPartial.body.application.undefinedapp["r/1"], { anything: false, "data:read/x": true });
  });

  it("lists the user's application privileges merged by application and privilege names, resources united", async () => {
    await t.admin("PUT", "/_security/role/obj_one", {
      cluster: ["monitor"],
      indices: [{ names: ["idx-a"], privileges: ["read"] }],
      applications: [
        { application: "app", privileges: ["read"], resources: ["object/1"] },
        { application: "app", privileges: ["read", "write"], resources: ["object/9"] },
      ],
      run_as: ["zed"],
    });
    await t.admin("PUT", "/_security/role/obj_two", {
      cluster: ["monitor", "manage_own_api_key"],
      indices: [{ names: ["idx-a"], privileges: ["write"] }],
      applications: [
        { application: "app", privileges: ["read"], resources: ["object/2", "object/1"] },
        { application: "other", privileges: ["read"], resources: ["object/3"] },
        { application: "app", privileges: ["write", "read"], resources: ["object/8"] },
      ],
      run_as: ["amy", "zed"],
    });
    await t.admin("PUT", "/_security/user/objuser", { password: "objuser-pass", roles: ["obj_one", "obj_two"] });
    const privileges = await t.request("GET", "/_security/user/_privileges", { auth: { user: "objuser", password: "objuser-pass" } });
    assert.equal(privileges.status, 200);
    assert.deepEqual(privileges.body.applications, [
      { application: "app", privileges: ["read"], resources: ["object/1", "object/2"] },
      { application: "app", privileges: ["read", "write"], resources: ["object/8", "object/9"] },
      { application: "other", privileges: ["read"], resources: ["object/3"] },
    ]);
    assert.deepEqual(privileges.body.cluster, ["manage_own_api_key", "monitor"]);
    assert.deepEqual(privileges.body.run_as, ["amy", "zed"]);
    assert.deepEqual(privileges.body.indices, [{ names: ["idx-a"], privileges: ["read", "write"], allow_restricted_indices: false }]);
  });
});
