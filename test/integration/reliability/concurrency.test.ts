import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { basic, closeAgent, eventually, report, send, sleep, type RawResult } from "./reliability-support.js";

// Hundreds of parallel create / invalidate / update / authenticate operations on the same keys
// and users, through two instances sharing one database: no lost update, nothing invalidated
// stays usable, and every count adds up.

const ADMIN = `adm-${randomBytes(8).toString("hex")}`;
const PASS = `pw-${randomBytes(8).toString("hex")}`;

interface Key {
  id: string;
  api_key: string;
  encoded: string;
}

describe("concurrency: hundreds of parallel operations on the same keys and users", () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let operations = 0;
  const admin = basic("elastic", ADMIN);
  const owner = basic("owner", PASS);

  const call = async (app: TestApp, method: string, path: string, authorization: string, body?: unknown): Promise<RawResult> => {
    operations++;
    const res = await send(app.baseUrl, {
      method,
      path,
      headers: { authorization, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    assert.ok(res.status < 500, `${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return res;
  };
  const pick = (i: number) => (i % 2 === 0 ? a : b);
  const authStatus = async (app: TestApp, authorization: string) =>
    (await call(app, "GET", "/_security/_authenticate", authorization)).status;
  const createKey = async (app: TestApp, name: string): Promise<Key> => {
    const res = await call(app, "POST", "/_security/api_key", owner, { name });
    assert.equal(res.status, 200, res.text);
    return res.body as Key;
  };
  const apiKeys = () => db.connection.collection("security_api_keys");

  before(async () => {
    db = await openTestDatabase("concurrency");
    // Under a loaded test server a burst may take long: this file is about races, not timeouts.
    const options = { failureRateLimit: false as const, eventsPollInterval: "250ms", bootstrapPassword: ADMIN, storeTimeout: "60s" };
    a = await startTestApp("concurrency", options, undefined, db);
    b = await startTestApp("concurrency", options, undefined, db);
    const put = async (path: string, body: unknown) => assert.equal((await call(a, "PUT", path, admin, body)).status, 200);
    await put("/_security/role/keys", { cluster: ["manage_own_api_key"], indices: [{ names: ["index-a"], privileges: ["read"] }] });
    await put("/_security/role/reader", { indices: [{ names: ["index-a"], privileges: ["read"] }] });
    await put("/_security/user/owner", { password: PASS, roles: ["keys"] });
  });

  after(async () => {
    closeAgent();
    await a.close();
    await b.close();
    await db.drop();
    report(`concurrency: ${operations} HTTP operations over 2 instances; no lost update, no invalidated key accepted, all counts add up`);
  });

  it("200 parallel creates: 200 distinct keys, each stored once and usable on both instances", async () => {
    const before = await apiKeys().countDocuments({});
    const keys = await Promise.all(Array.from({ length: 200 }, (_, i) => createKey(pick(i), `burst-${i}`)));
    assert.equal(new Set(keys.map((k) => k.id)).size, 200);
    assert.equal(await apiKeys().countDocuments({}), before + 200);
    const statuses = await Promise.all(keys.map((k, i) => authStatus(pick(i + 1), `ApiKey ${k.encoded}`)));
    assert.deepEqual([...new Set(statuses)], [200]);
  });

  it("200 parallel updates of one key: every success is one version, conflicts are 409s, nothing is lost", async () => {
    const key = await createKey(a, "contended");
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(
          pick(i),
          "PUT",
          `/_security/api_key/${key.id}`,
          owner,
          i % 2 === 0
            ? { metadata: { n: i } }
            : { role_descriptors: { [`r${i}`]: { indices: [{ names: [`index-${i}`], privileges: ["read"] }] } } },
        ),
      ),
    );
    const updated = results.flatMap((r, i) => (r.status === 200 && r.body.updated === true ? [i] : []));
    const conflicts = results.filter((r) => r.status === 409);
    for (const r of conflicts) assert.equal(r.body.error.type, "version_conflict_engine_exception");
    assert.equal(updated.length + conflicts.length, 200, "every request either updated the key or got a 409");
    assert.ok(updated.length > 0);
    const doc = await apiKeys().findOne({ _id: key.id } as never);
    assert.ok(doc);
    assert.equal(doc.version, 1 + updated.length, "one version per reported update: no update was lost or double-counted");
    const metadataWinners = updated.filter((i) => i % 2 === 0);
    const descriptorWinners = updated.filter((i) => i % 2 === 1);
    // Each field holds the value of one reported success (or its original when none touched it).
    // Stored metadata may be the object or its JSON text, depending on the store's layout.
    const metadata = (typeof doc.metadata === "string" ? JSON.parse(doc.metadata) : doc.metadata) as { n?: number };
    if (metadataWinners.length > 0) assert.ok(metadataWinners.includes(metadata.n as number), JSON.stringify(metadata));
    else assert.deepEqual(metadata, {});
    const names = Object.keys(JSON.parse(String(doc.role_descriptors)) as object);
    if (descriptorWinners.length > 0) assert.ok(names.length === 1 && descriptorWinners.includes(Number(names[0]?.slice(1))), names.join());
    report(`update race: ${updated.length} updates applied, ${conflicts.length} conflicts (409), final version ${doc.version}`);
  });

  it("30 parallel invalidations of the same 10 keys: each key is invalidated exactly once and refused everywhere", async () => {
    const keys = await Promise.all(Array.from({ length: 10 }, (_, i) => createKey(a, `doomed-${i}`)));
    for (const k of keys) assert.equal(await authStatus(b, `ApiKey ${k.encoded}`), 200);
    const ids = keys.map((k) => k.id);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => call(pick(i), "DELETE", "/_security/api_key", owner, { ids, owner: true })),
    );
    const invalidatedBy = new Map<string, number>();
    for (const r of results) {
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.error_count, 0);
      // A request that reads after some keys were invalidated does not select them at all (as in
      // Elasticsearch, which searches only valid keys): at most the 10, never more.
      assert.ok(r.body.invalidated_api_keys.length + r.body.previously_invalidated_api_keys.length <= 10, r.text);
      for (const id of r.body.invalidated_api_keys as string[]) invalidatedBy.set(id, (invalidatedBy.get(id) ?? 0) + 1);
    }
    assert.deepEqual([...invalidatedBy.keys()].sort(), [...ids].sort());
    assert.deepEqual([...new Set(invalidatedBy.values())], [1], "no key reported invalidated twice");
    for (const k of keys) assert.equal(await authStatus(a, `ApiKey ${k.encoded}`), 401);
    await eventually(async () => (await Promise.all(keys.map((k) => authStatus(b, `ApiKey ${k.encoded}`)))).every((s) => s === 401), 2000);
  });

  it("authentications racing an invalidation: none started after it answered succeeds", async () => {
    for (let round = 0; round < 3; round++) {
      const key = await createKey(a, `raced-${round}`);
      const auth = `ApiKey ${key.encoded}`;
      assert.equal(await authStatus(b, auth), 200);
      let invalidatedAt = Number.POSITIVE_INFINITY;
      const late: Array<{ app: "a" | "b"; started: number; status: number }> = [];
      const storm = Promise.all(
        Array.from({ length: 150 }, async (_, i) => {
          await sleep(i % 30);
          const app = pick(i);
          const started = Date.now();
          const status = await authStatus(app, auth);
          late.push({ app: app === a ? "a" : "b", started, status });
        }),
      );
      storm.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
      await sleep(10);
      const res = await call(a, "DELETE", "/_security/api_key", owner, { ids: [key.id], owner: true });
      invalidatedAt = Date.now();
      assert.deepEqual(res.body.invalidated_api_keys, [key.id]);
      await storm;
      for (const r of late) {
        if (r.app === "a" && r.started > invalidatedAt) assert.equal(r.status, 401, "instance A accepted the key after invalidating it");
        if (r.app === "b" && r.started > invalidatedAt + 2000)
          assert.equal(r.status, 401, "instance B accepted the key 2 s after the invalidation");
      }
      assert.equal(await authStatus(a, auth), 401);
      await eventually(async () => (await authStatus(b, auth)) === 401, 2000);
      // And it stays refused: no racing read re-inserted the old document into a cache.
      await sleep(300);
      assert.equal(await authStatus(a, auth), 401);
      assert.equal(await authStatus(b, auth), 401);
    }
  });

  it("a password change racing 200 Basic authentications: the old password is refused afterwards", async () => {
    for (let round = 0; round < 3; round++) {
      const oldPassword = `old-${round}-${randomBytes(4).toString("hex")}`;
      const newPassword = `new-${round}-${randomBytes(4).toString("hex")}`;
      assert.equal((await call(a, "PUT", "/_security/user/racer", admin, { password: oldPassword, roles: [] })).status, 200);
      await sleep(300);
      // Cold caches, then many verifications in flight while the password changes.
      const storm = Promise.all(Array.from({ length: 200 }, (_, i) => authStatus(pick(i), basic("racer", oldPassword))));
      storm.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
      await sleep(5);
      assert.equal((await call(a, "PUT", "/_security/user/racer/_password", admin, { password: newPassword })).status, 200);
      await storm;
      assert.equal(await authStatus(a, basic("racer", oldPassword)), 401, "instance A still accepts the old password");
      await eventually(async () => (await authStatus(b, basic("racer", oldPassword))) === 401, 2000);
      await sleep(300);
      for (const app of [a, b]) {
        assert.equal(await authStatus(app, basic("racer", oldPassword)), 401, "the old password came back from a cache");
        assert.equal(await authStatus(app, basic("racer", newPassword)), 200);
      }
    }
  });

  it("disabling a user racing 200 authentications: the user is refused afterwards", async () => {
    for (let round = 0; round < 3; round++) {
      const password = `pw-${round}-${randomBytes(4).toString("hex")}`;
      assert.equal((await call(a, "PUT", "/_security/user/sleeper", admin, { password, roles: [], enabled: true })).status, 200);
      await sleep(300);
      const storm = Promise.all(Array.from({ length: 200 }, (_, i) => authStatus(pick(i), basic("sleeper", password))));
      storm.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
      await sleep(5);
      assert.equal((await call(a, "PUT", "/_security/user/sleeper/_disable", admin)).status, 200);
      await storm;
      assert.equal(await authStatus(a, basic("sleeper", password)), 401);
      await eventually(async () => (await authStatus(b, basic("sleeper", password))) === 401, 2000);
      await sleep(300);
      for (const app of [a, b])
        assert.equal(await authStatus(app, basic("sleeper", password)), 401, "a disabled user came back from a cache");
    }
  });

  it("a role change racing 200 privilege checks: the new role is enforced afterwards", async () => {
    assert.equal((await call(a, "PUT", "/_security/user/checker", admin, { password: PASS, roles: ["reader"] })).status, 200);
    const canRead = async (app: TestApp) =>
      (
        await call(app, "POST", "/_security/user/_has_privileges", basic("checker", PASS), {
          index: [{ names: ["index-a"], privileges: ["read"] }],
        })
      ).body.has_all_requested as boolean;
    for (let round = 0; round < 3; round++) {
      assert.equal(
        (await call(a, "PUT", "/_security/role/reader", admin, { indices: [{ names: ["index-a"], privileges: ["read"] }] })).status,
        200,
      );
      await eventually(async () => (await canRead(a)) && (await canRead(b)), 2000);
      // Re-putting the same role empties the caches: the storm's checks all load it while it changes.
      assert.equal(
        (await call(a, "PUT", "/_security/role/reader", admin, { indices: [{ names: ["index-a"], privileges: ["read"] }] })).status,
        200,
      );
      const storm = Promise.all(Array.from({ length: 200 }, (_, i) => canRead(pick(i))));
      storm.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
      await sleep(5);
      assert.equal(
        (await call(a, "PUT", "/_security/role/reader", admin, { indices: [{ names: ["index-z"], privileges: ["read"] }] })).status,
        200,
      );
      await storm;
      assert.equal(await canRead(a), false, "instance A still grants the old role");
      await eventually(async () => (await canRead(b)) === false, 2000);
      await sleep(300);
      for (const app of [a, b]) assert.equal(await canRead(app), false, "the old role came back from a cache");
    }
  });

  it("an API-key update racing 200 privilege checks made with the key: the new descriptors are enforced afterwards", async () => {
    for (let round = 0; round < 3; round++) {
      const key = await createKey(a, `narrowed-${round}`);
      const canRead = async (app: TestApp) =>
        (
          await call(app, "POST", "/_security/user/_has_privileges", `ApiKey ${key.encoded}`, {
            index: [{ names: ["index-a"], privileges: ["read"] }],
          })
        ).body.has_all_requested as boolean;
      assert.equal(await canRead(a), true);
      assert.equal(await canRead(b), true);
      const storm = Promise.all(Array.from({ length: 200 }, (_, i) => canRead(pick(i))));
      storm.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
      await sleep(5);
      const res = await call(a, "PUT", `/_security/api_key/${key.id}`, owner, {
        role_descriptors: { narrow: { indices: [{ names: ["index-z"], privileges: ["read"] }] } },
      });
      assert.deepEqual(res.body, { updated: true });
      await storm;
      assert.equal(await canRead(a), false, "instance A still grants the key's old descriptors");
      await eventually(async () => (await canRead(b)) === false, 2000);
      await sleep(300);
      for (const app of [a, b]) assert.equal(await canRead(app), false, "the key's old permission came back from a cache");
    }
  });

  it("200 parallel refreshes of one refresh token over two instances: one successor pair, never two", async () => {
    const first = await call(a, "POST", "/_security/oauth2/token", admin, { grant_type: "password", username: "owner", password: PASS });
    assert.equal(first.status, 200, first.text);
    const before = await db.connection.collection("security_tokens").countDocuments({});
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(pick(i), "POST", "/_security/oauth2/token", admin, { grant_type: "refresh_token", refresh_token: first.body.refresh_token }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    for (const r of results) assert.ok(r.status === 200 || (r.status === 400 && r.body.error === "invalid_grant"), r.text);
    assert.ok(ok.length > 0);
    assert.equal(new Set(ok.map((r) => r.body.access_token as string)).size, 1, "every successful refresh returned the same successor");
    assert.equal(new Set(ok.map((r) => r.body.refresh_token as string)).size, 1);
    assert.equal(await db.connection.collection("security_tokens").countDocuments({}), before + 1, "exactly one successor was stored");
    const successor = `Bearer ${ok[0]?.body.access_token as string}`;
    assert.equal(await authStatus(a, successor), 200);
    assert.equal(await authStatus(b, successor), 200);
    // Invalidating it races authentications; once the invalidation answered, it is refused.
    const storm = Promise.all(Array.from({ length: 100 }, (_, i) => authStatus(pick(i), successor)));
    storm.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
    const res = await call(a, "DELETE", "/_security/oauth2/token", admin, { token: ok[0]?.body.access_token });
    assert.equal(res.body.invalidated_tokens, 1, res.text);
    await storm;
    assert.equal(await authStatus(a, successor), 401);
    await eventually(async () => (await authStatus(b, successor)) === 401, 2000);
    report(`token refresh race: 200 parallel refreshes, ${ok.length} answered with the one successor pair`);
  });

  it("a mixed storm of creates, authentications, updates and invalidations: the final state adds up", async () => {
    const seeds = await Promise.all(Array.from({ length: 20 }, (_, i) => createKey(pick(i), `storm-seed-${i}`)));
    const created: Key[] = [];
    const invalidated = new Set<string>();
    const jobs: Array<Promise<void>> = [];
    for (let i = 0; i < 160; i++) {
      const app = pick(i);
      const seed = seeds[i % seeds.length] as Key;
      switch (i % 4) {
        case 0:
          jobs.push(createKey(app, `storm-new-${i}`).then((k) => void created.push(k)));
          break;
        case 1:
          jobs.push(authStatus(app, `ApiKey ${seed.encoded}`).then((s) => assert.ok(s === 200 || s === 401)));
          break;
        case 2:
          jobs.push(
            call(app, "PUT", `/_security/api_key/${seed.id}`, owner, { metadata: { i } }).then((r) =>
              assert.ok([200, 400, 409].includes(r.status), r.text),
            ),
          );
          break;
        default:
          if (i % 8 === 3) {
            jobs.push(
              call(app, "DELETE", "/_security/api_key", owner, { ids: [seed.id], owner: true }).then((r) => {
                for (const id of r.body.invalidated_api_keys as string[]) invalidated.add(id);
              }),
            );
          }
      }
    }
    await Promise.all(jobs);
    assert.equal(created.length, 40);
    const stored = await apiKeys()
      .find({ name: { $regex: "^storm-" } } as never)
      .toArray();
    assert.equal(stored.length, 20 + 40, "every create stored exactly one key");
    const storedInvalidated = stored.filter((d) => d.invalidated === true).map((d) => String(d._id));
    assert.deepEqual(storedInvalidated.sort(), [...invalidated].sort(), "the keys reported invalidated are exactly the invalidated ones");
    await sleep(600);
    for (const k of [...seeds, ...created]) {
      const expected = invalidated.has(k.id) ? 401 : 200;
      assert.equal(await authStatus(a, `ApiKey ${k.encoded}`), expected, k.id);
      assert.equal(await authStatus(b, `ApiKey ${k.encoded}`), expected, k.id);
    }
    report(`mixed storm: 160 operations, ${created.length} keys created, ${invalidated.size} invalidated, all accounted for`);
  });
});
