import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client, errors } from "@elastic/elasticsearch";
import { Authentication } from "../../../lib/index.js";
import { ADMIN_PASSWORD, startTestApp, type TestApp } from "../../support/test-app.js";

/** The Elasticsearch error of a call: status, type and reason. */
async function failure(call: Promise<unknown>): Promise<{ status: number; type: string; reason: string }> {
  const error = await call.then(
    () => assert.fail("expected an error"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof errors.ResponseError, String(error));
  const body = error.body as { error: { type: string; reason: string } };
  return { status: error.statusCode ?? 0, type: body.error.type, reason: body.error.reason };
}

/**
 * `_query/user` and `_query/role` through the official Elasticsearch client: the fields and query
 * types Elasticsearch allows, text analysis of `full_name`/`email`/`description`, sort and
 * paging, native records only, and Elasticsearch's refusals.
 */
describe("_query/user and _query/role through the Elasticsearch client", () => {
  let t: TestApp;
  let admin: Client;
  let reader: Client;
  let nobody: Client;
  const clients: Client[] = [];
  const client = (username: string, password: string) => {
    const c = new Client({ node: t.baseUrl, auth: { username, password } });
    clients.push(c);
    return c;
  };

  before(async () => {
    t = await startTestApp("q_users_roles", { failureRateLimit: false });
    admin = client("elastic", ADMIN_PASSWORD);
    await admin.security.putRole({
      name: "reader_only",
      cluster: ["read_security"],
      description: "Reads the security configuration",
      metadata: { team: "ops", level: 1 },
    });
    await admin.security.putRole({
      name: "shop_admin",
      applications: [{ application: "shop", privileges: ["admin", "read"], resources: ["orders", "carts"] }],
      description: "Administers the SHOP application",
      metadata: { team: "shop", owner: { name: "Ann" } },
    });
    await admin.security.bulkPutRole({
      roles: {
        shop_viewer: { applications: [{ application: "shop", privileges: ["read"], resources: ["orders"] }], metadata: { team: "shop" } },
        bare: {},
      },
    });
    await admin.security.putUser({ username: "reader", password: "reader-pass", roles: ["reader_only"], full_name: "Rita Reader" });
    await admin.security.putUser({ username: "nobody", password: "nobody-pass", roles: [], email: "nobody@example.org" });
    await admin.security.putUser({
      username: "jdoe",
      password: "jdoe-pass",
      roles: ["shop_admin", "reader_only"],
      full_name: "John Doe-Smith",
      email: "john.doe@example.com",
    });
    await admin.security.putUser({ username: "asmith", password: "asmith-pass", roles: ["shop_viewer"], full_name: "Alice Smith" });
    await admin.security.disableUser({ username: "asmith" });
    reader = client("reader", "reader-pass");
    nobody = client("nobody", "nobody-pass");
  });
  after(async () => {
    for (const c of clients) await c.close();
    await t.close();
  });

  const usernames = async (query: Record<string, unknown> | undefined) =>
    (await reader.security.queryUser({ ...(query ? { query } : {}), size: 100 })).users.map((user) => user.username).sort();
  const roleNames = async (query: Record<string, unknown> | undefined) =>
    (await reader.security.queryRole({ ...(query ? { query } : {}), size: 100 })).roles.map((role) => role.name).sort();

  it("queryUser: every native user but the reserved bootstrap one, in the GET user shape", async () => {
    const all = await reader.security.queryUser();
    assert.equal(all.total, 4);
    assert.equal(all.count, 4);
    assert.deepEqual(
      all.users.map((user) => user.username),
      ["asmith", "jdoe", "nobody", "reader"],
    );
    const jdoe = all.users.find((user) => user.username === "jdoe");
    assert.deepEqual(jdoe, {
      username: "jdoe",
      roles: ["shop_admin", "reader_only"],
      full_name: "John Doe-Smith",
      email: "john.doe@example.com",
      metadata: {},
      enabled: true,
    });
    assert.ok(!("password_hash" in (jdoe as object)));
    const get = await t.request("GET", "/_security/_query/user?with_profile_uid=true", {
      auth: { user: "reader", password: "reader-pass" },
    });
    assert.equal(get.status, 200);
    assert.equal(get.body.total, 4);
    assert.ok(!("profile_uid" in get.body.users[0]));
  });

  it("queryUser: term, terms, prefix, wildcard, exists, range, ids, bool and simple_query_string on the keyword fields", async () => {
    assert.deepEqual(await usernames({ term: { username: "jdoe" } }), ["jdoe"]);
    assert.deepEqual(await usernames({ term: { username: { value: "JDOE", case_insensitive: true } } }), ["jdoe"]);
    assert.deepEqual(await usernames({ terms: { roles: ["shop_viewer", "shop_admin"] } }), ["asmith", "jdoe"]);
    assert.deepEqual(await usernames({ term: { enabled: false } }), ["asmith"]);
    assert.deepEqual(await usernames({ match: { enabled: "true" } }), ["jdoe", "nobody", "reader"]);
    assert.deepEqual(await usernames({ prefix: { roles: "shop" } }), ["asmith", "jdoe"]);
    assert.deepEqual(await usernames({ wildcard: { username: "*e*" } }), ["jdoe", "reader"]);
    assert.deepEqual(await usernames({ exists: { field: "roles" } }), ["asmith", "jdoe", "reader"]);
    assert.deepEqual(await usernames({ range: { username: { gte: "j", lt: "r" } } }), ["jdoe", "nobody"]);
    // Elasticsearch's document ids are `user-<name>`: a bare name names no document.
    assert.deepEqual(await usernames({ ids: { values: ["user-jdoe", "nobody", "user-elastic"] } }), ["jdoe"]);
    assert.deepEqual(await usernames({ bool: { must: [{ prefix: { roles: "shop" } }], must_not: [{ term: { enabled: false } }] } }), [
      "jdoe",
    ]);
    assert.deepEqual(await usernames({ bool: { should: [{ term: { username: "reader" } }, { term: { username: "nobody" } }] } }), [
      "nobody",
      "reader",
    ]);
    assert.deepEqual(await usernames({ simple_query_string: { query: "reader_only", fields: ["roles"] } }), ["jdoe", "reader"]);
    assert.deepEqual(await usernames({ match_all: {} }), ["asmith", "jdoe", "nobody", "reader"]);
  });

  it("queryUser: full_name and email are text fields, matched by their lowercased words", async () => {
    assert.deepEqual(await usernames({ match: { full_name: "smith" } }), ["asmith", "jdoe"]);
    assert.deepEqual(await usernames({ match: { full_name: "SMITH john" } }), ["asmith", "jdoe"]);
    assert.deepEqual(await usernames({ match: { full_name: { query: "smith john", operator: "and" } } }), ["jdoe"]);
    assert.deepEqual(await usernames({ match: { full_name: "Doe-Smith" } }), ["asmith", "jdoe"]);
    // term is not analyzed: the stored words are lowercase.
    assert.deepEqual(await usernames({ term: { full_name: "Smith" } }), []);
    assert.deepEqual(await usernames({ term: { full_name: "smith" } }), ["asmith", "jdoe"]);
    assert.deepEqual(await usernames({ prefix: { full_name: "ali" } }), ["asmith"]);
    assert.deepEqual(await usernames({ match: { email: "example.com" } }), ["jdoe"]);
    assert.deepEqual(await usernames({ match: { email: "john.doe@example.com" } }), ["jdoe"]);
    assert.deepEqual(await usernames({ wildcard: { email: "*.org" } }), ["nobody"]);
    assert.deepEqual(await usernames({ exists: { field: "email" } }), ["jdoe", "nobody"]);
    assert.deepEqual(await usernames({ exists: { field: "full_name" } }), ["asmith", "jdoe", "reader"]);
    assert.deepEqual(await usernames({ simple_query_string: { query: "rita" } }), ["reader"]);
    assert.deepEqual(await usernames({ simple_query_string: { query: "Ali*", fields: ["full_name", "email"] } }), ["asmith"]);
  });

  it("queryUser: sort, _sort values, from/size and search_after", async () => {
    const first = await reader.security.queryUser({ sort: [{ username: "desc" }], size: 2 });
    assert.equal(first.total, 4);
    assert.deepEqual(
      first.users.map((user) => [user.username, user._sort]),
      [
        ["reader", ["reader"]],
        ["nobody", ["nobody"]],
      ],
    );
    const next = await reader.security.queryUser({ sort: [{ username: "desc" }], size: 2, search_after: ["nobody"] });
    assert.deepEqual(
      next.users.map((user) => user.username),
      ["jdoe", "asmith"],
    );
    const paged = await reader.security.queryUser({ sort: ["username"], from: 1, size: 2 });
    assert.deepEqual(
      paged.users.map((user) => user.username),
      ["jdoe", "nobody"],
    );
    const byEnabled = await reader.security.queryUser({ sort: ["enabled", "username"], size: 1 });
    assert.deepEqual(byEnabled.users[0]?._sort, [0, "asmith"]);
    const unsorted = await reader.security.queryUser({ size: 1 });
    assert.ok(!("_sort" in (unsorted.users[0] as object)));
    assert.equal((await reader.security.queryUser({ size: 0 })).count, 0);
  });

  it("queryUser: Elasticsearch's refusals", async () => {
    assert.deepEqual(await failure(reader.security.queryUser({ query: { term: { password_hash: "x" } } })), {
      status: 400,
      type: "illegal_argument_exception",
      reason: "Field [password_hash] is not allowed for querying or aggregation",
    });
    assert.deepEqual(await failure(reader.security.queryUser({ query: { term: { metadata: "x" } } })), {
      status: 400,
      type: "illegal_argument_exception",
      reason: "Field [metadata] is not allowed for querying or aggregation",
    });
    assert.deepEqual(await failure(reader.security.queryUser({ query: { prefix: { "user*": "j" } } })), {
      status: 400,
      type: "illegal_argument_exception",
      reason: "Field name pattern [user*] is not allowed for querying or aggregation",
    });
    assert.deepEqual(await failure(reader.security.queryUser({ sort: ["full_name"] })), {
      status: 400,
      type: "illegal_argument_exception",
      reason: "sorting is not supported for field [full_name]",
    });
    assert.deepEqual(await failure(reader.security.queryUser({ query: { fuzzy: { username: "jdo" } } } as never)), {
      status: 400,
      type: "illegal_argument_exception",
      reason: "Query type [fuzzy] is not currently supported in this context",
    });
    const operator = await failure(reader.security.queryUser({ query: { term: { username: { $gt: "" } } } as never }));
    assert.equal(operator.status, 400);
    assert.equal(operator.type, "parsing_exception");
    const operatorValue = await failure(reader.security.queryUser({ query: { term: { username: { value: { $gt: "" } } } } as never }));
    assert.equal(operatorValue.status, 400);
    const unknownBody = await t.request("POST", "/_security/_query/user", {
      auth: { user: "reader", password: "reader-pass" },
      body: { aggs: {} },
    });
    assert.equal(unknownBody.status, 400);
    assert.equal(unknownBody.body.error.type, "x_content_parse_exception");
    assert.equal(unknownBody.body.error.reason, "[query_user_request_payload] unknown field [aggs]");
    const window = await failure(reader.security.queryUser({ from: 9_999, size: 2 }));
    assert.equal(window.status, 400);
    assert.match(window.reason, /^Result window is too large, from \+ size must be less than or equal to: \[10000\] but was \[10001\]/);
    const denied = await failure(nobody.security.queryUser({ query: { match_all: {} } }));
    assert.equal(denied.status, 403);
    assert.equal(denied.type, "security_exception");
    assert.match(denied.reason, /^action \[cluster:admin\/xpack\/security\/user\/query\] is unauthorized for user \[nobody\]/);
  });

  it("queryRole: native roles only (no built-in or static ones), each as its name and descriptor", async () => {
    const all = await reader.security.queryRole();
    assert.equal(all.total, 4);
    assert.deepEqual(
      all.roles.map((role) => role.name),
      ["bare", "reader_only", "shop_admin", "shop_viewer"],
    );
    const readerOnly = all.roles.find((role) => role.name === "reader_only");
    assert.equal(readerOnly?.description, "Reads the security configuration");
    assert.deepEqual(readerOnly?.cluster, ["read_security"]);
    assert.deepEqual(readerOnly?.metadata, { team: "ops", level: 1 });
    assert.ok(!("metadata_flattened" in (readerOnly as object)) && !("description_tokens" in (readerOnly as object)));
    assert.deepEqual(await roleNames({ term: { name: "superuser" } }), []);
  });

  it("queryRole: name, description (text), applications.* and metadata", async () => {
    assert.deepEqual(await roleNames({ prefix: { name: "shop" } }), ["shop_admin", "shop_viewer"]);
    assert.deepEqual(await roleNames({ term: { "applications.application": "shop" } }), ["shop_admin", "shop_viewer"]);
    assert.deepEqual(await roleNames({ term: { "applications.privileges": "admin" } }), ["shop_admin"]);
    assert.deepEqual(await roleNames({ terms: { "applications.resources": ["carts"] } }), ["shop_admin"]);
    assert.deepEqual(await roleNames({ exists: { field: "applications.application" } }), ["shop_admin", "shop_viewer"]);
    assert.deepEqual(await roleNames({ match: { description: "shop" } }), ["shop_admin"]);
    assert.deepEqual(await roleNames({ match: { description: { query: "reads application", operator: "and" } } }), []);
    assert.deepEqual(await roleNames({ match: { description: "reads application" } }), ["reader_only", "shop_admin"]);
    assert.deepEqual(await roleNames({ exists: { field: "description" } }), ["reader_only", "shop_admin"]);
    assert.deepEqual(await roleNames({ term: { "metadata.team": "shop" } }), ["shop_admin", "shop_viewer"]);
    assert.deepEqual(await roleNames({ term: { "metadata.level": "1" } }), ["reader_only"]);
    assert.deepEqual(await roleNames({ term: { "metadata.owner.name": "Ann" } }), ["shop_admin"]);
    assert.deepEqual(await roleNames({ term: { metadata: "ops" } }), ["reader_only"]);
    assert.deepEqual(await roleNames({ ids: { values: ["role-bare", "bare"] } }), ["bare"]);
    assert.deepEqual(await roleNames({ simple_query_string: { query: "administers" } }), ["shop_admin"]);
    assert.deepEqual(
      await roleNames({ bool: { filter: [{ term: { "metadata.team": "shop" } }], must_not: [{ exists: { field: "description" } }] } }),
      ["shop_viewer"],
    );
  });

  it("queryRole: sort on name and metadata, search_after, paging", async () => {
    const sorted = await reader.security.queryRole({ sort: [{ "metadata.team": { order: "asc" } }, "name"], size: 10 });
    assert.deepEqual(
      sorted.roles.map((role) => [role.name, role._sort]),
      [
        ["reader_only", ["ops", "reader_only"]],
        ["shop_admin", ["shop", "shop_admin"]],
        ["shop_viewer", ["shop", "shop_viewer"]],
        ["bare", [null, "bare"]],
      ],
    );
    const after = await reader.security.queryRole({ sort: ["name"], search_after: ["reader_only"] });
    assert.deepEqual(
      after.roles.map((role) => role.name),
      ["shop_admin", "shop_viewer"],
    );
    const page = await reader.security.queryRole({ sort: [{ name: "desc" }], from: 1, size: 1 });
    assert.deepEqual(
      page.roles.map((role) => role.name),
      ["shop_admin"],
    );
    assert.equal(page.total, 4);
  });

  it("the programmatic API refuses a caller without the privilege before reading the body", async () => {
    await assert.rejects(t.security.roles.query(nativeCaller("nobody", []), { query: { bogus: {} } }), (error: unknown) => {
      assert.equal((error as { status?: number }).status, 403);
      return true;
    });
  });

  it("queryRole: Elasticsearch's refusals", async () => {
    assert.deepEqual(await failure(reader.security.queryRole({ query: { term: { cluster: "all" } } })), {
      status: 400,
      type: "illegal_argument_exception",
      reason: "Field [cluster] is not allowed for querying or aggregation",
    });
    const text = await failure(reader.security.queryRole({ sort: ["description"] }));
    assert.equal(text.status, 400);
    assert.match(text.reason, /^Text fields are not optimised for operations that require per-document field data/);
    const operator = await failure(reader.security.queryRole({ query: { terms: { name: [{ $ne: null }] } } as never }));
    assert.equal(operator.status, 400);
    assert.equal(operator.reason, "[terms] query does not support values of type [object]");
    const unknownBody = await t.request("POST", "/_security/_query/role", {
      auth: { user: "reader", password: "reader-pass" },
      body: { nope: 1 },
    });
    assert.equal(unknownBody.status, 400);
    assert.equal(unknownBody.body.error.reason, "[query_role_request_payload] unknown field [nope]");
    const denied = await failure(nobody.security.queryRole());
    assert.equal(denied.status, 403);
    assert.match(denied.reason, /^action \[cluster:admin\/xpack\/security\/role\/query\] is unauthorized for user \[nobody\]/);
    const wrongMethod = await t.request("PUT", "/_security/_query/role", { auth: { user: "reader", password: "reader-pass" } });
    assert.equal(wrongMethod.status, 405);
  });

  it("the programmatic API answers as the router does", async () => {
    const auth = nativeCaller("reader", ["reader_only"]);
    const users = await t.security.users.query(auth, { query: { term: { username: "jdoe" } } });
    assert.deepEqual(
      users.users.map((user) => user.username),
      ["jdoe"],
    );
    const roles = await t.security.roles.query(auth, { query: { prefix: { name: "shop" } }, sort: ["name"] });
    assert.deepEqual(
      roles.roles.map((role) => [role.name, role._sort]),
      [
        ["shop_admin", ["shop_admin"]],
        ["shop_viewer", ["shop_viewer"]],
      ],
    );
  });

  it("users and roles stored before the query fields existed get them from the background backfill", async () => {
    await t.core.models.users.collection.insertOne({
      _id: "legacy",
      password_hash: "x",
      roles: ["legacy_role"],
      full_name: "Lena Legacy",
      email: null,
      metadata: {},
      enabled: true,
      version: 3,
    } as never);
    await t.core.models.roles.collection.insertOne({
      _id: "legacy_role",
      descriptor: {
        cluster: [],
        indices: [],
        applications: [],
        run_as: [],
        metadata: { era: "old" },
        transient_metadata: { enabled: true },
        description: "From Before",
      },
      version: 1,
    } as never);
    // Keyword fields need nothing derived: found at once.
    assert.deepEqual(await usernames({ term: { roles: "legacy_role" } }), ["legacy"]);
    t.core.queryFieldsBackfill.start();
    await t.core.queryFieldsBackfill.done();
    assert.deepEqual(await usernames({ match: { full_name: "lena" } }), ["legacy"]);
    assert.deepEqual(await roleNames({ match: { description: "before" } }), ["legacy_role"]);
    assert.deepEqual(await roleNames({ term: { "metadata.era": "old" } }), ["legacy_role"]);
    const stored = await t.core.models.users.collection.findOne({ _id: "legacy" } as never);
    assert.equal(stored?.query_fields, 1);
    assert.equal(stored?.version, 3, "the backfill is not a change of the user");
    await t.core.models.users.collection.deleteOne({ _id: "legacy" } as never);
    await t.core.models.roles.collection.deleteOne({ _id: "legacy_role" } as never);
  });
});

/** The realm authentication of a native user, as `authenticate()` would build it. */
function nativeCaller(username: string, roles: string[]): Authentication {
  return new Authentication({
    user: { username, roles, full_name: null, email: null, metadata: {}, enabled: true },
    authenticationRealm: { name: "native", type: "native" },
    type: "realm",
  });
}
