import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client, errors } from "@elastic/elasticsearch";
import { eventually, sleep } from "../../support/eventually.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { ADMIN_PASSWORD, startTestApp, type TestApp } from "../../support/test-app.js";

const POLL_MS = 200;
/** The bound within which an instance applies another's journaled change (API-key tests use the same). */
const BOUND_MS = 2000;
const FAST = { failureRateLimit: false as const, eventsPollInterval: `${POLL_MS}ms` };

describe("cache clearing endpoints, two instances on one database", () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  const clients: Client[] = [];
  const client = (app: TestApp, username: string, password: string) => {
    const c = new Client({ node: app.baseUrl, auth: { username, password } });
    clients.push(c);
    return c;
  };
  let adminA: Client;
  const measured: Record<string, number> = {};
  const authStatus = async (app: TestApp, user: string, password: string) =>
    (await app.request("GET", "/_security/_authenticate", { auth: { user, password } })).status;
  const collection = (name: string) => db.connection.collection(`security_${name}`);

  before(async () => {
    db = await openTestDatabase("cache_clear");
    a = await startTestApp("cache_clear", FAST, undefined, db);
    b = await startTestApp("cache_clear", FAST, undefined, db);
    adminA = client(a, "elastic", ADMIN_PASSWORD);
    for (const username of ["carol", "dave", "erin"]) {
      await adminA.security.putUser({ username, password: `${username}-pass`, roles: [] });
    }
    await adminA.security.putUser({ username: "reader", password: "reader-pass", roles: ["viewer"] });
    await adminA.security.putRole({ name: "viewer", cluster: ["read_security"] });
    // B evicts each user put above when it reads the journal: let it do so before the tests fill its caches.
    await sleep(5 * POLL_MS);
  });
  after(async () => {
    for (const c of clients) await c.close();
    process.stdout.write(`# cache clearing, instance A -> instance B (ms): ${JSON.stringify(measured)}\n`);
    await a.close();
    await b.close();
    await db.drop();
  });

  it("clearCachedRealms: B answers from its cache until A clears the realm, then sees the user document", async () => {
    assert.equal(await authStatus(b, "carol", "carol-pass"), 200);
    assert.equal(await authStatus(a, "carol", "carol-pass"), 200);
    // Changed behind the caches: no journal event.
    await collection("users").updateOne({ _id: "carol" } as never, { $set: { enabled: false } });
    await sleep(3 * POLL_MS);
    assert.equal(await authStatus(b, "carol", "carol-pass"), 200, "B still answers from its credential cache");

    const res = await adminA.security.clearCachedRealms({ realms: "native" });
    assert.deepEqual(res._nodes, { total: 1, successful: 1, failed: 0 });
    assert.equal(res.cluster_name, "express-keyguard");
    const nodes = Object.values(res.nodes);
    assert.equal(nodes.length, 1);
    assert.equal(typeof nodes[0]?.name, "string");
    assert.equal(await authStatus(a, "carol", "carol-pass"), 401, "A evicts at once");
    measured.realm = await eventually(async () => (await authStatus(b, "carol", "carol-pass")) === 401, BOUND_MS);
  });

  it("clearCachedRealms with usernames evicts only those users; `*` clears every realm", async () => {
    for (const user of ["dave", "erin"]) assert.equal(await authStatus(b, user, `${user}-pass`), 200);
    await collection("users").updateMany({ _id: { $in: ["dave", "erin"] } } as never, { $set: { enabled: false } });
    await adminA.security.clearCachedRealms({ realms: "native", usernames: ["dave"] });
    await eventually(async () => (await authStatus(b, "dave", "dave-pass")) === 401, BOUND_MS);
    await sleep(3 * POLL_MS);
    assert.equal(await authStatus(b, "erin", "erin-pass"), 200, "erin was not named: still cached on B");
    await adminA.security.clearCachedRealms({ realms: "*" });
    await eventually(async () => (await authStatus(b, "erin", "erin-pass")) === 401, BOUND_MS);
  });

  it("clearCachedRealms refuses a realm the chain does not have", async () => {
    const res = await a.admin("POST", "/_security/realm/nope/_clear_cache");
    assert.equal(res.status, 400);
    assert.equal(res.body.error.reason, "could not find active realm [nope]");
  });

  it("clearCachedRoles: B keeps the cached role until A clears it", async () => {
    await adminA.security.putRole({ name: "watcher", cluster: ["monitor"] });
    await adminA.security.putUser({ username: "frank", password: "frank-pass", roles: ["watcher"] });
    const frankB = client(b, "frank", "frank-pass");
    await sleep(3 * POLL_MS); // B has applied the journal events of the setup: its caches stay put now
    const canManage = async () => (await frankB.security.hasPrivileges({ cluster: ["manage_security"] })).cluster.manage_security;
    assert.equal(await canManage(), false);
    await collection("roles").updateOne({ _id: "watcher" } as never, { $set: { "descriptor.cluster": ["manage_security"] } });
    await sleep(3 * POLL_MS);
    assert.equal(await canManage(), false, "B still holds the cached role");
    const res = await adminA.security.clearCachedRoles({ name: "watcher" });
    assert.deepEqual(res._nodes, { total: 1, successful: 1, failed: 0 });
    measured.role = await eventually(async () => (await canManage()) === true, BOUND_MS);
  });

  it("clearCachedPrivileges: B keeps the cached privilege definitions until A clears them", async () => {
    await adminA.security.putPrivileges({ privileges: { "app-one": { read: { actions: ["data:read/*"] } } } });
    await adminA.security.putRole({
      name: "app_reader",
      applications: [{ application: "app-one", privileges: ["read"], resources: ["*"] }],
    });
    await adminA.security.putUser({ username: "gina", password: "gina-pass", roles: ["app_reader"] });
    const ginaB = client(b, "gina", "gina-pass");
    await sleep(3 * POLL_MS); // B has applied the journal events of the setup: its caches stay put now
    const canWrite = async () =>
      (await ginaB.security.hasPrivileges({ application: [{ application: "app-one", privileges: ["data:write/x"], resources: ["r"] }] }))
        .application["app-one"]?.r?.["data:write/x"];
    assert.equal(await canWrite(), false);
    await collection("privileges").updateOne({ _id: "app-one/read" } as never, { $set: { actions: ["data:*"] } });
    await sleep(3 * POLL_MS);
    assert.equal(await canWrite(), false, "B still holds the cached definition");
    const res = await adminA.security.clearCachedPrivileges({ application: "app-one" });
    assert.deepEqual(res._nodes, { total: 1, successful: 1, failed: 0 });
    measured.privilege = await eventually(async () => (await canWrite()) === true, BOUND_MS);
  });

  it("every cache clearing needs manage_security", async () => {
    const reader = client(a, "reader", "reader-pass");
    const calls: Array<[() => Promise<unknown>, string]> = [
      [() => reader.security.clearCachedRealms({ realms: "*" }), "realm/cache/clear"],
      [() => reader.security.clearCachedRoles({ name: "*" }), "roles/cache/clear"],
      [() => reader.security.clearCachedPrivileges({ application: "*" }), "privilege/cache/clear"],
    ];
    for (const [call, action] of calls) {
      const error = await call().then(
        () => assert.fail(`expected a 403 for ${action}`),
        (e: unknown) => e,
      );
      assert.ok(error instanceof errors.ResponseError);
      assert.equal(error.statusCode, 403);
      assert.match(
        String((error.body as { error: { reason: string } }).error.reason),
        new RegExp(`^action \\[cluster:admin/xpack/security/${action}\\] is unauthorized for user \\[reader\\]`),
      );
    }
  });
});
