import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { as, assertError, createFixtures, createKey, type CreatedKey } from "./api-key-fixtures.js";

const A = "cluster:admin/xpack/security/api_key/";

function denied(action: string, user: string, roles: string, privileges: string): string {
  return `action [${action}] is unauthorized for user [${user}] with effective roles [${roles}], this action is granted by the cluster privileges [${privileges}]`;
}

function deniedKey(action: string, id: string, owner: string, privileges: string): string {
  return `action [${action}] is unauthorized for API key id [${id}] of user [${owner}], this action is granted by the cluster privileges [${privileges}]`;
}

const GET_PRIVS = "read_security,manage_api_key,manage_security,all";
const MANAGE_PRIVS = "manage_api_key,manage_security,all";
const GRANT_PRIVS = "grant_api_key,manage_api_key,manage_security,all";

describe("API keys: privilege matrix, derived keys, limited-by intersection", () => {
  let t: TestApp;
  let ownerKey: CreatedKey;
  let otherKey: CreatedKey;
  let managerKey: CreatedKey;

  before(async () => {
    t = await startTestApp("ak_privs", { failureRateLimit: false });
    await createFixtures(t);
    ownerKey = await createKey(t, "owner", { name: "owner-key" });
    otherKey = await createKey(t, "other", { name: "other-key" });
    managerKey = await createKey(t, "manager", { name: "manager-key" });
  });
  after(() => t.close());

  const ids = (res: { body: { api_keys: Array<{ id: string }> } }) => res.body.api_keys.map((k) => k.id).sort();

  describe("manage_own_api_key (a user)", () => {
    it("gets its own keys with owner=true or its own username+realm, and nothing else", async () => {
      let res = await t.request("GET", "/_security/api_key?owner=true", { auth: as("owner") });
      assert.equal(res.status, 200);
      assert.deepEqual(ids(res), [ownerKey.id]);
      res = await t.request("GET", "/_security/api_key?username=owner&realm_name=native", { auth: as("owner") });
      assert.deepEqual(ids(res), [ownerKey.id]);
      for (const query of ["", "?username=other&realm_name=native", `?id=${ownerKey.id}`, "?username=owner", "?name=owner-key"]) {
        assertError(
          await t.request("GET", `/_security/api_key${query}`, { auth: as("owner") }),
          403,
          "security_exception",
          denied(A + "get", "owner", "index_reader,own_keys", GET_PRIVS),
        );
      }
    });

    it("invalidates only with owner=true or its own username+realm", async () => {
      const k = await createKey(t, "owner", { name: "owner-disposable" });
      assertError(
        await t.request("DELETE", "/_security/api_key", { auth: as("owner"), body: { ids: [k.id] } }),
        403,
        "security_exception",
        denied(A + "invalidate", "owner", "index_reader,own_keys", MANAGE_PRIVS),
      );
      assertError(
        await t.request("DELETE", "/_security/api_key", { auth: as("owner"), body: { username: "other", realm_name: "native" } }),
        403,
        "security_exception",
        denied(A + "invalidate", "owner", "index_reader,own_keys", MANAGE_PRIVS),
      );
      // owner=true with ids of someone else's key: scoped to own keys, nothing happens.
      let res = await t.request("DELETE", "/_security/api_key", { auth: as("owner"), body: { ids: [otherKey.id], owner: true } });
      assert.deepEqual(res.body.invalidated_api_keys, []);
      res = await t.request("DELETE", "/_security/api_key", { auth: as("owner"), body: { ids: [k.id], owner: true } });
      assert.deepEqual(res.body.invalidated_api_keys, [k.id]);
      const k2 = await createKey(t, "owner", { name: "owner-disposable-2" });
      res = await t.request("DELETE", "/_security/api_key", {
        auth: as("owner"),
        body: { username: "owner", realm_name: "native", name: undefined },
      });
      assert.ok(res.body.invalidated_api_keys.includes(k2.id));
      assert.ok(!res.body.invalidated_api_keys.includes(otherKey.id));
      ownerKey = await createKey(t, "owner", { name: "owner-key" });
    });

    it("cannot grant, not even to itself, nor clear caches", async () => {
      assertError(
        await t.request("POST", "/_security/api_key/grant", {
          auth: as("owner"),
          body: { grant_type: "password", username: "owner", password: "owner-pass", api_key: { name: "self" } },
        }),
        403,
        "security_exception",
        denied(A + "grant", "owner", "index_reader,own_keys", GRANT_PRIVS),
      );
      assertError(
        await t.request("POST", `/_security/api_key/${ownerKey.id}/_clear_cache`, { auth: as("owner") }),
        403,
        "security_exception",
        denied("cluster:admin/xpack/security/cache/clear", "owner", "index_reader,own_keys", "manage_security,all"),
      );
    });
  });

  describe("read_security, manage_api_key, grant_api_key, no privilege", () => {
    it("read_security reads every key but cannot create or invalidate", async () => {
      const res = await t.request("GET", "/_security/api_key", { auth: as("reader") });
      assert.equal(res.status, 200);
      for (const id of [ownerKey.id, otherKey.id, managerKey.id]) assert.ok(ids(res).includes(id));
      assertError(
        await t.request("POST", "/_security/api_key", { auth: as("reader"), body: { name: "x" } }),
        403,
        "security_exception",
        denied(A + "create", "reader", "read_security", MANAGE_PRIVS),
      );
      assertError(
        await t.request("DELETE", "/_security/api_key", { auth: as("reader"), body: { ids: [otherKey.id] } }),
        403,
        "security_exception",
        denied(A + "invalidate", "reader", "read_security", MANAGE_PRIVS),
      );
      const limited = await t.request("GET", `/_security/api_key?id=${otherKey.id}&with_limited_by=true`, { auth: as("reader") });
      assert.ok(limited.body.api_keys[0].limited_by);
    });

    it("manage_api_key manages every key (but update stays owner-only) and may grant", async () => {
      const victim = await createKey(t, "victim", { name: "victim-key" });
      let res = await t.request("GET", `/_security/api_key?username=victim`, { auth: as("manager") });
      assert.deepEqual(ids(res), [victim.id]);
      res = await t.request("DELETE", "/_security/api_key", { auth: as("manager"), body: { ids: [victim.id] } });
      assert.deepEqual(res.body.invalidated_api_keys, [victim.id]);
      assertError(
        await t.request("PUT", `/_security/api_key/${otherKey.id}`, { auth: as("manager"), body: {} }),
        404,
        "resource_not_found_exception",
        `no API key owned by requesting user found for ID [${otherKey.id}]`,
      );
      res = await t.request("POST", "/_security/api_key/grant", {
        auth: as("manager"),
        body: { grant_type: "password", username: "plain", password: "plain-pass", api_key: { name: "granted" } },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    });

    it("grant_api_key grants and does nothing else", async () => {
      const res = await t.request("POST", "/_security/api_key/grant", {
        auth: as("granter"),
        body: { grant_type: "password", username: "plain", password: "plain-pass", api_key: { name: "granted-2" } },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assertError(
        await t.request("POST", "/_security/api_key", { auth: as("granter"), body: { name: "x" } }),
        403,
        "security_exception",
        denied(A + "create", "granter", "granter", MANAGE_PRIVS),
      );
      assertError(
        await t.request("GET", "/_security/api_key?owner=true", { auth: as("granter") }),
        403,
        "security_exception",
        denied(A + "get", "granter", "granter", GET_PRIVS),
      );
    });

    it("a user without API-key privileges gets 403 everywhere", async () => {
      assertError(
        await t.request("POST", "/_security/api_key", { auth: as("plain"), body: { name: "x" } }),
        403,
        "security_exception",
        denied(A + "create", "plain", "index_reader", MANAGE_PRIVS),
      );
      assertError(
        await t.request("GET", "/_security/api_key?owner=true", { auth: as("plain") }),
        403,
        "security_exception",
        denied(A + "get", "plain", "index_reader", GET_PRIVS),
      );
      assertError(
        await t.request("POST", "/_security/_query/api_key", { auth: as("plain"), body: {} }),
        403,
        "security_exception",
        denied(A + "query", "plain", "index_reader", GET_PRIVS),
      );
      assertError(
        await t.request("POST", "/_security/api_key/_bulk_update", { auth: as("plain"), body: { ids: ["a"] } }),
        403,
        "security_exception",
        denied(A + "bulk_update", "plain", "index_reader", MANAGE_PRIVS),
      );
      assertError(
        await t.request("PUT", "/_security/api_key/abc", { auth: as("plain"), body: {} }),
        403,
        "security_exception",
        denied(A + "update", "plain", "index_reader", MANAGE_PRIVS),
      );
    });

    it("manage_security clears caches", async () => {
      const res = await t.request("POST", `/_security/api_key/${ownerKey.id},${otherKey.id}/_clear_cache`, { auth: as("security") });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body._nodes, { total: 1, successful: 1, failed: 0 });
      assert.equal(typeof res.body.cluster_name, "string");
      const nodes = Object.values<{ name: string }>(res.body.nodes);
      assert.equal(nodes.length, 1);
      assert.equal(typeof nodes[0]?.name, "string");
      assert.equal((await t.request("POST", "/_security/api_key/*/_clear_cache", { auth: as("security") })).status, 200);
      // Keys keep working after their cache entries are gone.
      assert.equal((await t.request("GET", "/_security/_authenticate", { auth: { apiKey: ownerKey.encoded } })).status, 200);
    });
  });

  describe("API-key callers", () => {
    it("a manage_own_api_key key may read and invalidate only itself, never owner=true or limited-by", async () => {
      const key = await createKey(t, "owner", { name: "self-scoped" });
      const auth = { apiKey: key.encoded };
      let res = await t.request("GET", `/_security/api_key?id=${key.id}`, { auth });
      assert.equal(res.status, 200);
      assert.deepEqual(ids(res), [key.id]);
      for (const query of [
        "?owner=true",
        `?id=${ownerKey.id}`,
        `?id=${key.id}&with_limited_by=true`,
        "?username=owner&realm_name=native",
      ]) {
        assertError(
          await t.request("GET", `/_security/api_key${query}`, { auth }),
          403,
          "security_exception",
          deniedKey(A + "get", key.id, "owner", GET_PRIVS),
        );
      }
      res = await t.request("POST", "/_security/_query/api_key", { auth, body: {} });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(ids(res), [key.id]);
      assertError(
        await t.request("POST", "/_security/_query/api_key?with_limited_by=true", { auth, body: {} }),
        403,
        "security_exception",
        deniedKey(A + "query", key.id, "owner", GET_PRIVS),
      );
      assertError(
        await t.request("DELETE", "/_security/api_key", { auth, body: { ids: [ownerKey.id] } }),
        403,
        "security_exception",
        deniedKey(A + "invalidate", key.id, "owner", MANAGE_PRIVS),
      );
      assertError(
        await t.request("DELETE", "/_security/api_key", { auth, body: { owner: true } }),
        403,
        "security_exception",
        deniedKey(A + "invalidate", key.id, "owner", MANAGE_PRIVS),
      );
      assertError(
        await t.request("PUT", `/_security/api_key/${key.id}`, { auth, body: {} }),
        400,
        "illegal_argument_exception",
        "authentication via API key not supported: only the owner user can update an API key",
      );
      assertError(
        await t.request("POST", "/_security/api_key/_bulk_update", { auth, body: { ids: [key.id] } }),
        400,
        "illegal_argument_exception",
        "authentication via API key not supported: only the owner user can update an API key",
      );
      res = await t.request("DELETE", "/_security/api_key", { auth, body: { ids: [key.id] } });
      assert.deepEqual(res.body.invalidated_api_keys, [key.id]);
      assert.equal((await t.request("GET", "/_security/_authenticate", { auth })).status, 401);
    });

    it("a manage_api_key key sees limited-by descriptors (its own included) but never grants", async () => {
      const res = await t.request("GET", `/_security/api_key?id=${managerKey.id}&with_limited_by=true`, {
        auth: { apiKey: managerKey.encoded },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(Object.keys(res.body.api_keys[0].limited_by[0]), ["manage_keys"]);
      for (const key of [managerKey, ownerKey]) {
        assertError(
          await t.request("POST", "/_security/api_key/grant", {
            auth: { apiKey: key.encoded },
            body: { grant_type: "password", username: "plain", password: "plain-pass", api_key: { name: "granted-by-key" } },
          }),
          400,
          "illegal_argument_exception",
          "authentication via API key not supported: an API key cannot grant API keys",
        );
      }
      const query = await t.admin("POST", "/_security/_query/api_key", { query: { term: { name: "granted-by-key" } } });
      assert.equal(query.body.total, 0, "a refused grant writes nothing");
    });

    it("derived keys need explicitly empty descriptors, get an empty limited-by and can do nothing", async () => {
      const auth = { apiKey: ownerKey.encoded };
      const message = "creating derived api keys requires an explicit role descriptor that is empty (has no privileges)";
      for (const body of [
        { name: "d" },
        { name: "d", role_descriptors: {} },
        { name: "d", role_descriptors: { r: { cluster: ["monitor"] } } },
        { name: "d", role_descriptors: { r: { metadata: { a: 1 } } } },
      ]) {
        assertError(await t.request("POST", "/_security/api_key", { auth, body }), 400, "illegal_argument_exception", message);
      }
      const res = await t.request("POST", "/_security/api_key", { auth, body: { name: "derived", role_descriptors: { noop: {} } } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const derived = res.body as CreatedKey;
      const who = await t.request("GET", "/_security/_authenticate", { auth: { apiKey: derived.encoded } });
      assert.equal(who.status, 200);
      assert.equal(who.body.username, "owner");
      assert.deepEqual(who.body.api_key, { id: derived.id, name: "derived" });
      const privs = await t.request("POST", "/_security/user/_has_privileges", {
        auth: { apiKey: derived.encoded },
        body: { cluster: ["monitor"], index: [{ names: ["index-a"], privileges: ["read"] }] },
      });
      assert.equal(privs.body.has_all_requested, false);
      assert.deepEqual(privs.body.cluster, { monitor: false });
      assertError(
        await t.request("GET", `/_security/api_key?id=${derived.id}`, { auth: { apiKey: derived.encoded } }),
        403,
        "security_exception",
        deniedKey(A + "get", derived.id, "owner", GET_PRIVS),
      );
      const info = await t.request("GET", `/_security/api_key?id=${derived.id}&with_limited_by=true`, { auth: as("reader") });
      assert.deepEqual(info.body.api_keys[0].limited_by, [{}]);
      assert.equal(info.body.api_keys[0].realm, "_es_api_key");
    });
  });

  describe("effective permission = assigned ∩ limited-by", () => {
    const check = async (auth: { apiKey: string }) => {
      const res = await t.request("POST", "/_security/user/_has_privileges", {
        auth,
        body: {
          cluster: ["monitor", "manage", "manage_own_api_key"],
          index: [{ names: ["index-a", "index-b", "index-c"], privileges: ["read"] }],
          application: [{ application: "shop", privileges: ["data:read/me", "data:write/me"], resources: ["orders"] }],
        },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };

    it("a key without descriptors has exactly its owner's privileges", async () => {
      const body = await check({ apiKey: ownerKey.encoded });
      assert.equal(body.username, "owner");
      assert.deepEqual(body.cluster, { monitor: true, manage: false, manage_own_api_key: true });
      assert.deepEqual(body.index, { "index-a": { read: true }, "index-b": { read: true }, "index-c": { read: false } });
      assert.deepEqual(body.application, { shop: { orders: { "data:read/me": true, "data:write/me": false } } });
    });

    it("assigned descriptors can only narrow, never widen", async () => {
      const wide = await createKey(t, "owner", {
        name: "wide",
        role_descriptors: {
          everything: {
            cluster: ["all"],
            indices: [{ names: ["*"], privileges: ["all"] }],
            applications: [{ application: "*", privileges: ["*"], resources: ["*"] }],
          },
        },
      });
      let body = await check({ apiKey: wide.encoded });
      assert.deepEqual(body.cluster, { monitor: true, manage: false, manage_own_api_key: true });
      assert.deepEqual(body.index, { "index-a": { read: true }, "index-b": { read: true }, "index-c": { read: false } });
      assert.deepEqual(body.application, { shop: { orders: { "data:read/me": true, "data:write/me": false } } });

      const narrow = await createKey(t, "owner", {
        name: "narrow",
        role_descriptors: { a_only: { indices: [{ names: ["index-a", "index-c"], privileges: ["read"] }] } },
      });
      body = await check({ apiKey: narrow.encoded });
      assert.deepEqual(body.cluster, { monitor: false, manage: false, manage_own_api_key: false });
      assert.deepEqual(body.index, { "index-a": { read: true }, "index-b": { read: false }, "index-c": { read: false } });
      assert.deepEqual(body.application, { shop: { orders: { "data:read/me": false, "data:write/me": false } } });
      assert.equal(body.has_all_requested, false);
      assertError(
        await t.request("POST", "/_security/api_key", {
          auth: { apiKey: narrow.encoded },
          body: { name: "n", role_descriptors: { noop: {} } },
        }),
        403,
        "security_exception",
        deniedKey(A + "create", narrow.id, "owner", MANAGE_PRIVS),
      );
    });

    it("limited-by is a snapshot: later role changes do not reach the key until it is updated", async () => {
      assert.equal((await t.admin("PUT", "/_security/role/snap_role", { cluster: ["manage_own_api_key"] })).status, 200);
      assert.equal((await t.admin("PUT", "/_security/user/snap", { password: "snap-pass", roles: ["snap_role"] })).status, 200);
      const key = await t.request("POST", "/_security/api_key", {
        auth: { user: "snap", password: "snap-pass" },
        body: { name: "snap-key" },
      });
      const encoded = key.body.encoded as string;
      const monitor = async () =>
        (await t.request("POST", "/_security/user/_has_privileges", { auth: { apiKey: encoded }, body: { cluster: ["monitor"] } })).body
          .cluster.monitor;
      assert.equal(await monitor(), false);
      assert.equal((await t.admin("PUT", "/_security/role/snap_role", { cluster: ["manage_own_api_key", "monitor"] })).status, 200);
      assert.equal(await monitor(), false);
      const res = await t.request("PUT", `/_security/api_key/${key.body.id}`, { auth: { user: "snap", password: "snap-pass" }, body: {} });
      assert.deepEqual(res.body, { updated: true });
      assert.equal(await monitor(), true);
      const again = await t.request("PUT", `/_security/api_key/${key.body.id}`, { auth: { user: "snap", password: "snap-pass" } });
      assert.deepEqual(again.body, { updated: false });
    });

    it("_privileges refuses keys with assigned descriptors and describes inheriting keys", async () => {
      const narrow = await createKey(t, "owner", { name: "narrow-2", role_descriptors: { r: { cluster: ["monitor"] } } });
      assertError(
        await t.request("GET", "/_security/user/_privileges", { auth: { apiKey: narrow.encoded } }),
        400,
        "illegal_argument_exception",
        "Cannot retrieve privileges for API keys with assigned role descriptors. Please use the Get API key information API https://ela.st/es-api-get-api-key",
      );
      const res = await t.request("GET", "/_security/user/_privileges", { auth: { apiKey: ownerKey.encoded } });
      assert.equal(res.status, 200);
      assert.ok(res.body.cluster.includes("manage_own_api_key"));
    });
  });
});
