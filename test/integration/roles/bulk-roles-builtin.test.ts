import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client, errors } from "@elastic/elasticsearch";
import { CLUSTER_PRIVILEGE_NAMES } from "../../../lib/authz/cluster-privileges.js";
import { INDEX_PRIVILEGE_NAMES } from "../../../lib/authz/index-privileges.js";
import { ADMIN_PASSWORD, startTestApp, type TestApp } from "../../support/test-app.js";

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe("bulk roles and built-in privileges through the official Elasticsearch client", () => {
  let t: TestApp;
  let admin: Client;
  const clients: Client[] = [];
  const client = (username: string, password: string) => {
    const c = new Client({ node: t.baseUrl, auth: { username, password } });
    clients.push(c);
    return c;
  };
  /** The 403 of a call, with its reason. */
  const forbidden = async (call: Promise<unknown>): Promise<string> => {
    const error = await call.then(
      () => assert.fail("expected a 403"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof errors.ResponseError);
    assert.equal(error.statusCode, 403);
    return String((error.body as { error: { reason: string } }).error.reason);
  };

  before(async () => {
    t = await startTestApp("roles_bulk", { failureRateLimit: false });
    admin = client("elastic", ADMIN_PASSWORD);
    await admin.security.putRole({ name: "reader_only", cluster: ["read_security"] });
    await admin.security.putUser({ username: "reader", password: "reader-pass", roles: ["reader_only"] });
    await admin.security.putUser({ username: "nobody", password: "nobody-pass", roles: [] });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await t.close();
  });

  it("bulkPutRole creates, updates, reports noop and per-role errors, and writes the valid roles", async () => {
    const first = await admin.security.bulkPutRole({
      roles: {
        bulk_a: { cluster: ["monitor"], indices: [{ names: ["logs-*"], privileges: ["read"] }], metadata: { v: 1 } },
        bulk_b: { cluster: ["manage_own_api_key"], description: "own keys" },
      },
    });
    assert.deepEqual(first, { created: ["bulk_a", "bulk_b"] });
    const stored = await admin.security.getRole({ name: "bulk_a,bulk_b" });
    assert.deepEqual(stored.bulk_a?.cluster, ["monitor"]);
    assert.deepEqual(stored.bulk_a?.indices, [{ names: ["logs-*"], privileges: ["read"], allow_restricted_indices: false }]);
    assert.equal(stored.bulk_b?.description, "own keys");

    // bulk_a again, fields in another order and `index` for `indices`: the same descriptor, so a noop.
    const second = await admin.security.bulkPutRole({
      roles: {
        bulk_a: { metadata: { v: 1 }, indices: [{ privileges: ["read"], names: "logs-*" }], cluster: ["monitor"] },
        bulk_b: { cluster: ["manage_own_api_key", "monitor"], description: "own keys" },
        bulk_c: { run_as: ["someone"] },
        bulk_bad: { cluster: ["bad_cluster_privilege"] },
        superuser: { cluster: ["all"] },
      },
    });
    assert.deepEqual(second.created, ["bulk_c"]);
    assert.deepEqual(second.updated, ["bulk_b"]);
    assert.deepEqual(second.noop, ["bulk_a"]);
    assert.equal(second.errors?.count, 2);
    assert.equal(second.errors?.details.bulk_bad?.type, "action_request_validation_exception");
    assert.match(
      String(second.errors?.details.bulk_bad?.reason),
      /^Validation Failed: 1: unknown cluster privilege \[bad_cluster_privilege\]\. a privilege must be either one of the predefined cluster privilege names \[.*manage_security.*\] or a pattern over one of the available cluster actions;$/,
    );
    assert.deepEqual(second.errors?.details.superuser, {
      type: "illegal_argument_exception",
      reason: "role [superuser] is reserved and cannot be modified",
    });
    const after = await admin.security.getRole({ name: "bulk_b,bulk_c" });
    assert.deepEqual(after.bulk_b?.cluster, ["manage_own_api_key", "monitor"]);
    assert.deepEqual(after.bulk_c?.run_as, ["someone"]);
    const missing = await t.admin("GET", "/_security/role/bulk_bad");
    assert.equal(missing.status, 404, "the invalid role is not written");

    // A role change made in bulk applies at once to the users holding it.
    await admin.security.putUser({ username: "bulk_user", password: "bulk-pass", roles: ["bulk_b"] });
    const bulkUser = client("bulk_user", "bulk-pass");
    assert.deepEqual((await bulkUser.security.hasPrivileges({ cluster: ["monitor"] })).cluster, { monitor: true });
    const third = await admin.security.bulkPutRole({ roles: { bulk_b: { cluster: ["manage_own_api_key"] } } });
    assert.deepEqual(third, { updated: ["bulk_b"] });
    assert.deepEqual((await bulkUser.security.hasPrivileges({ cluster: ["monitor"] })).cluster, { monitor: false });
  });

  it("a malformed descriptor fails the whole bulk request and writes nothing", async () => {
    const res = await t.admin("POST", "/_security/role", {
      roles: { bulk_ok: { cluster: ["monitor"] }, bulk_broken: { cluster: "monitor" } },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.type, "parse_exception");
    assert.match(res.body.error.reason, /failed to parse role \[bulk_broken\]/);
    assert.equal((await t.admin("GET", "/_security/role/bulk_ok")).status, 404);
    const unknown = await t.admin("POST", "/_security/role", { roles: {}, other: 1 });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.type, "x_content_parse_exception");
    assert.deepEqual((await t.admin("POST", "/_security/role", { roles: {} })).body, {});
  });

  it("bulkDeleteRole reports deleted, not_found and reserved roles", async () => {
    await admin.security.bulkPutRole({ roles: { del_a: { cluster: ["monitor"] }, del_b: { cluster: ["monitor"] } } });
    const res = await admin.security.bulkDeleteRole({ names: ["del_a", "del_b", "del_missing", "superuser"] });
    assert.deepEqual(res, {
      deleted: ["del_a", "del_b"],
      not_found: ["del_missing"],
      errors: {
        count: 1,
        details: { superuser: { type: "illegal_argument_exception", reason: "role [superuser] is reserved and cannot be deleted" } },
      },
    });
    assert.equal((await t.admin("GET", "/_security/role/del_a,del_b")).status, 404);
    assert.deepEqual(await admin.security.bulkDeleteRole({ names: ["del_a"] }), { not_found: ["del_a"] });
    const noNames = await t.admin("DELETE", "/_security/role", {});
    assert.equal(noNames.status, 400);
  });

  it("bulk role writes need manage_security (read_security is not enough)", async () => {
    const reader = client("reader", "reader-pass");
    assert.match(
      await forbidden(reader.security.bulkPutRole({ roles: { sneaky: { cluster: ["all"] } } })),
      /^action \[cluster:admin\/xpack\/security\/role\/bulk_put\] is unauthorized for user \[reader\]/,
    );
    assert.match(
      await forbidden(reader.security.bulkDeleteRole({ names: ["reader_only"] })),
      /^action \[cluster:admin\/xpack\/security\/role\/bulk_delete\] is unauthorized for user \[reader\]/,
    );
    assert.equal((await t.admin("GET", "/_security/role/sneaky")).status, 404);
    assert.equal((await t.admin("GET", "/_security/role/reader_only")).status, 200);
  });

  it("getBuiltinPrivileges lists every cluster and index privilege name, sorted, to read_security", async () => {
    const reader = client("reader", "reader-pass");
    const builtin = await reader.security.getBuiltinPrivileges();
    assert.deepEqual(builtin.cluster, [...CLUSTER_PRIVILEGE_NAMES].sort(byName));
    assert.deepEqual(builtin.index, [...INDEX_PRIVILEGE_NAMES].sort(byName));
    assert.deepEqual(builtin.remote_cluster, []);
    for (const name of ["all", "manage_security", "read_security", "manage_own_api_key", "none"]) assert.ok(builtin.cluster.includes(name));
    for (const name of ["all", "read", "write", "view_index_metadata"]) assert.ok(builtin.index.includes(name));
    assert.match(
      await forbidden(client("nobody", "nobody-pass").security.getBuiltinPrivileges()),
      /^action \[cluster:admin\/xpack\/security\/privilege\/builtin\/get\] is unauthorized for user \[nobody\]/,
    );
  });
});
