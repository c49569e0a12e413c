import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { SecurityOptions } from "../../../lib/index.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { basic, closeAgent, eventually, report, send, sleep } from "./reliability-support.js";

// Three app instances on one database, with the default journal poll interval (1 s): every
// change made through one instance is enforced by all of them within 2 s, the remover sweeps on
// one instance at a time, and the failed-authentication limit is one shared count.

const ADMIN = `adm-${randomBytes(8).toString("hex")}`;
const PASS = `pw-${randomBytes(8).toString("hex")}`;
const BOUND_MS = 2000;

describe("several instances on one database", () => {
  let db: TestDatabase;
  let apps: TestApp[] = [];
  const propagation = new Map<string, number>();
  const admin = basic("elastic", ADMIN);

  const status = async (app: TestApp, method: string, path: string, authorization: string, body?: unknown): Promise<number> =>
    (
      await send(app.baseUrl, {
        method,
        path,
        headers: { authorization, "content-type": "application/json" },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      })
    ).status;
  const json = async (app: TestApp, method: string, path: string, authorization: string, body?: unknown): Promise<any> =>
    (
      await send(app.baseUrl, {
        method,
        path,
        headers: { authorization, "content-type": "application/json" },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      })
    ).body;
  /** Waits until `check` holds on every instance; records the slowest. */
  const everywhere = async (what: string, check: (app: TestApp) => Promise<boolean>): Promise<void> => {
    const started = Date.now();
    await Promise.all(apps.map((app) => eventually(() => check(app), BOUND_MS, 20)));
    propagation.set(what, Date.now() - started);
  };

  before(async () => {
    db = await openTestDatabase("instances");
    const options: Partial<SecurityOptions> = { bootstrapPassword: ADMIN, failureRateLimit: false };
    apps = [];
    for (let i = 0; i < 3; i++) apps.push(await startTestApp("instances", options, undefined, db));
    const a = apps[0] as TestApp;
    assert.equal(
      await status(a, "PUT", "/_security/role/reader", admin, {
        cluster: ["manage_own_api_key"],
        indices: [{ names: ["index-a"], privileges: ["read"] }],
      }),
      200,
    );
    for (const user of ["owner", "sleeper", "changer"])
      assert.equal(await status(a, "PUT", `/_security/user/${user}`, admin, { password: PASS, roles: ["reader"] }), 200);
  });

  after(async () => {
    closeAgent();
    for (const app of apps) await app.close();
    await db.drop();
    report(
      `several instances: 3 instances, slowest propagation ${[...propagation].map(([k, ms]) => `${k} ${ms} ms`).join(", ")} (bound ${BOUND_MS} ms)`,
    );
  });

  it("an API-key invalidation through one instance is enforced by every instance within 2 s", async () => {
    const [a] = apps as [TestApp];
    const key = await json(a, "POST", "/_security/api_key", basic("owner", PASS), { name: "shared" });
    for (const app of apps) assert.equal(await status(app, "GET", "/_security/_authenticate", `ApiKey ${key.encoded}`), 200);
    assert.deepEqual(
      (await json(a, "DELETE", "/_security/api_key", basic("owner", PASS), { ids: [key.id], owner: true })).invalidated_api_keys,
      [key.id],
    );
    assert.equal(
      await status(a, "GET", "/_security/_authenticate", `ApiKey ${key.encoded}`),
      401,
      "at once on the instance that invalidated it",
    );
    await everywhere(
      "invalidation",
      async (app) => (await status(app, "GET", "/_security/_authenticate", `ApiKey ${key.encoded}`)) === 401,
    );
  });

  it("an API-key disable through one instance is enforced by every instance within 2 s, and so is enabling it again", async () => {
    const [a, b] = apps as [TestApp, TestApp];
    const key = await json(a, "POST", "/_security/api_key", basic("owner", PASS), { name: "suspended" });
    const authenticates = async (app: TestApp) => (await status(app, "GET", "/_security/_authenticate", `ApiKey ${key.encoded}`)) === 200;
    for (const app of apps) assert.equal(await authenticates(app), true);
    assert.deepEqual(await json(a, "POST", `/_security/api_key/${key.id}/_disable`, admin), { id: key.id, enabled: false, updated: true });
    assert.equal(await authenticates(a), false, "at once on the instance that disabled it");
    await everywhere("key disable", async (app) => !(await authenticates(app)));
    assert.deepEqual(await json(b, "POST", `/_security/api_key/${key.id}/_enable`, admin), { id: key.id, enabled: true, updated: true });
    await everywhere("key enable", authenticates);
  });

  it("an API-key update through one instance is enforced by every instance within 2 s", async () => {
    const [a] = apps as [TestApp];
    const key = await json(a, "POST", "/_security/api_key", basic("owner", PASS), { name: "narrowed" });
    const canRead = async (app: TestApp) =>
      (
        await json(app, "POST", "/_security/user/_has_privileges", `ApiKey ${key.encoded}`, {
          index: [{ names: ["index-a"], privileges: ["read"] }],
        })
      ).has_all_requested === true;
    for (const app of apps) assert.equal(await canRead(app), true);
    assert.deepEqual(
      await json(a, "PUT", `/_security/api_key/${key.id}`, basic("owner", PASS), {
        role_descriptors: { none: { indices: [{ names: ["index-z"], privileges: ["read"] }] } },
      }),
      { updated: true },
    );
    await everywhere("key update", async (app) => !(await canRead(app)));
  });

  it("an access-token invalidation through one instance is enforced by every instance within 2 s", async () => {
    const [a] = apps as [TestApp];
    const token = await json(a, "POST", "/_security/oauth2/token", admin, { grant_type: "password", username: "owner", password: PASS });
    const bearer = `Bearer ${token.access_token as string}`;
    for (const app of apps) assert.equal(await status(app, "GET", "/_security/_authenticate", bearer), 200);
    assert.equal((await json(a, "DELETE", "/_security/oauth2/token", admin, { token: token.access_token })).invalidated_tokens, 1);
    assert.equal(await status(a, "GET", "/_security/_authenticate", bearer), 401, "at once on the instance that invalidated it");
    await everywhere("token invalidation", async (app) => (await status(app, "GET", "/_security/_authenticate", bearer)) === 401);
  });

  it("disabling a user, changing a password and changing a role are enforced by every instance within 2 s", async () => {
    const [a] = apps as [TestApp];
    for (const app of apps) assert.equal(await status(app, "GET", "/_security/_authenticate", basic("sleeper", PASS)), 200);
    assert.equal(await status(a, "PUT", "/_security/user/sleeper/_disable", admin), 200);
    await everywhere("user disable", async (app) => (await status(app, "GET", "/_security/_authenticate", basic("sleeper", PASS))) === 401);

    for (const app of apps) assert.equal(await status(app, "GET", "/_security/_authenticate", basic("changer", PASS)), 200);
    assert.equal(await status(a, "PUT", "/_security/user/changer/_password", admin, { password: `${PASS}-2` }), 200);
    await everywhere(
      "password change",
      async (app) => (await status(app, "GET", "/_security/_authenticate", basic("changer", PASS))) === 401,
    );

    const canRead = async (app: TestApp) =>
      (
        await json(app, "POST", "/_security/user/_has_privileges", basic("owner", PASS), {
          index: [{ names: ["index-a"], privileges: ["read"] }],
        })
      ).has_all_requested === true;
    for (const app of apps) assert.equal(await canRead(app), true);
    assert.equal(
      await status(a, "PUT", "/_security/role/reader", admin, {
        cluster: ["manage_own_api_key"],
        indices: [{ names: ["index-b"], privileges: ["read"] }],
      }),
      200,
    );
    await everywhere("role change", async (app) => !(await canRead(app)));
  });

  it("the remover runs on one instance at a time and deletes each inactive key exactly once", async () => {
    const rdb = await openTestDatabase("instances_remover");
    const removers: TestApp[] = [];
    try {
      const options: Partial<SecurityOptions> = {
        bootstrapPassword: ADMIN,
        failureRateLimit: false,
        apiKeys: { retention: "1ms", removerInterval: "150ms" },
      };
      for (let i = 0; i < 3; i++) removers.push(await startTestApp("instances_remover", options, undefined, rdb));
      const first = removers[0] as TestApp;
      // Record every sweep of every instance.
      const sweeps: Array<{ instance: number; start: number; end: number; removed: number }> = [];
      removers.forEach((app, instance) => {
        const store = app.core.apiKeys.store;
        const original = store.removeInactive.bind(store);
        store.removeInactive = async (cutoff: number, batchSize: number) => {
          const start = Date.now();
          const removed = await original(cutoff, batchSize);
          sweeps.push({ instance, start, end: Date.now(), removed: removed.length });
          return removed;
        };
      });
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) ids.push((await json(first, "POST", "/_security/api_key", admin, { name: `inactive-${i}` })).id);
      for (let i = 0; i < 30; i += 10)
        await json(removers[i % 3] as TestApp, "DELETE", "/_security/api_key", admin, { ids: ids.slice(i, i + 10) });
      const keys = rdb.connection.collection("security_api_keys");
      await eventually(async () => (await keys.countDocuments({ _id: { $in: ids } } as never)) === 0, 10_000, 50);
      await sleep(500);
      const total = removers.reduce((n, app) => n + app.core.apiKeys.remover.removedTotal, 0);
      assert.equal(total, 30, "each inactive key deleted exactly once across the instances");
      for (const x of sweeps) {
        for (const y of sweeps) {
          if (x.instance !== y.instance)
            assert.ok(x.end < y.start || y.end < x.start, `sweeps of instances ${x.instance} and ${y.instance} overlapped`);
        }
      }
      const by = new Set(sweeps.filter((s) => s.removed > 0).map((s) => s.instance));
      report(
        `remover: ${sweeps.length} sweeps by ${new Set(sweeps.map((s) => s.instance)).size} instances, never two at once; 30 keys deleted once (by ${by.size} instance(s))`,
      );
    } finally {
      for (const app of removers) await app.close();
      await rdb.drop();
    }
  });

  it("the failed-authentication limit is one count per (address, principal) shared by every instance", async () => {
    const ldb = await openTestDatabase("instances_limit");
    const limited: TestApp[] = [];
    try {
      for (let i = 0; i < 3; i++)
        limited.push(
          await startTestApp("instances_limit", { bootstrapPassword: ADMIN, failureRateLimit: { limit: 6, window: "1m" } }, undefined, ldb),
        );
      const bad = basic("elastic", "wrong-password");
      // Sequential failures spread over the instances: the 7th, wherever it lands, is refused.
      const statuses: number[] = [];
      for (let i = 0; i < 9; i++) statuses.push(await status(limited[i % 3] as TestApp, "GET", "/_security/_authenticate", bad));
      assert.deepEqual(statuses.slice(0, 6), [401, 401, 401, 401, 401, 401]);
      assert.deepEqual(statuses.slice(6), [429, 429, 429]);
      report(`rate limit: 3 instances, limit 6: failures 1-6 answered 401, 7-9 answered 429 on whichever instance`);
    } finally {
      for (const app of limited) await app.close();
      await ldb.drop();
    }
  });

  it("a parallel burst of failed authentications over every instance is held to the shared limit", async () => {
    const ldb = await openTestDatabase("instances_burst");
    const limited: TestApp[] = [];
    try {
      for (let i = 0; i < 3; i++)
        limited.push(
          await startTestApp(
            "instances_burst",
            { bootstrapPassword: ADMIN, failureRateLimit: { limit: 10, window: "1m" } },
            undefined,
            ldb,
          ),
        );
      const bad = basic("elastic", "wrong-password");
      const statuses = await Promise.all(
        Array.from({ length: 60 }, (_, i) => status(limited[i % 3] as TestApp, "GET", "/_security/_authenticate", bad)),
      );
      const unauthorized = statuses.filter((s) => s === 401).length;
      const limitedCount = statuses.filter((s) => s === 429).length;
      assert.equal(unauthorized + limitedCount, 60);
      // Racing failures may all see a count past the limit (more 429s, even all of them when every
      // failure is stored before any count is read), never one below it.
      assert.ok(unauthorized <= 10, `${unauthorized} failures answered 401; the shared limit is 10`);
      // One (address, elastic) pair: its hits are the pair counter's (the address counter has as many).
      const hits = await ldb.connection.collection("security_rate_limits").countDocuments({ _id: { $regex: "^authc:pair:" } } as never);
      // Each failure that reached a password check is one stored hit (late arrivals of the burst
      // may already be refused by the local block, before any check or count).
      assert.ok(hits > 10 && hits <= 60, `${hits} hits stored for 60 failures`);
      for (const app of limited)
        assert.equal(await status(app, "GET", "/_security/_authenticate", admin), 429, "the client stays blocked everywhere");
      report(
        `rate-limit burst: 60 parallel failures over 3 instances, ${unauthorized} answered 401 (limit 10), ${limitedCount} answered 429, ${hits} counted`,
      );
    } finally {
      for (const app of limited) await app.close();
      await ldb.drop();
    }
  });
});
