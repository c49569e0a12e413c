import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createDemoAlerts } from "../../../demo-app/alerts/demo-alerts.js";
import { SecretBox } from "../../../demo-app/alerts/secret-box.js";
import type { DemoApp } from "../../../demo-app/create-demo-app.js";
import { DEMO_USERS, seedDemoData } from "../../../demo-app/seed-demo-data.js";
import { startDemoServer, type DemoServer } from "../../support/demo-server.js";
import type { TestDatabase } from "../../support/test-database.js";

const PASSWORD = "alerts-admin-pass";
const ENCRYPTION_KEY = randomBytes(32).toString("base64");
type DemoUser = keyof typeof DEMO_USERS | "elastic";

interface Call {
  as?: DemoUser;
  apiKey?: string;
  /** A raw `Authorization` value. */
  authorization?: string;
  /** Raw `es-secondary-authorization` value, or a demo user whose Basic credentials to send. */
  secondary?: string;
  body?: unknown;
}

const basic = (user: DemoUser, password = user === "elastic" ? PASSWORD : DEMO_USERS[user].password) =>
  "Basic " + Buffer.from(`${user}:${password}`).toString("base64");

describe("demo alerts: background work as the end user, with no dangling keys", () => {
  let running: DemoServer;
  let db: TestDatabase;
  let demo: DemoApp;
  let base: string;
  const box = new SecretBox(Buffer.from(ENCRYPTION_KEY, "base64"));

  before(async () => {
    running = await startDemoServer("alerts", PASSWORD, { alerts: { encryptionKey: ENCRYPTION_KEY, tickMs: 0 } });
    ({ demo, base, db } = running);
    await seedDemoData(base, PASSWORD, (m) => assert.fail(m));
    demo.alerts.start(base);
  });

  after(async () => {
    await demo.alerts.stop();
    await running.close();
  });

  async function call(method: string, path: string, options: Call = {}) {
    const headers: Record<string, string> = {};
    if (options.as) headers.authorization = basic(options.as);
    if (options.apiKey) headers.authorization = `ApiKey ${options.apiKey}`;
    if (options.authorization) headers.authorization = options.authorization;
    if (options.secondary)
      headers["es-secondary-authorization"] = options.secondary in DEMO_USERS ? basic(options.secondary as DemoUser) : options.secondary;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(base + path, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
  }

  /** The encoded key of an alert, decrypted from MongoDB the way the app does. */
  async function storedKey(alertId: string): Promise<string> {
    const doc = await db.connection.collection("demo_alerts").findOne({ _id: alertId as never });
    assert.ok(doc, `alert ${alertId} is stored`);
    const encoded = box.open(String(doc.api_key.sealed), alertId);
    assert.ok(encoded, "the stored key opens with the configured encryption key");
    return encoded;
  }

  /** Ids of `username`'s valid (not invalidated) API keys, through `_query/api_key`. */
  async function validKeysOf(username: string): Promise<string[]> {
    const res = await call("POST", "/_security/_query/api_key", {
      as: "elastic",
      body: { size: 100, query: { bool: { filter: [{ term: { username } }, { term: { invalidated: false } }] } } },
    });
    assert.equal(res.status, 200, res.text);
    return (res.body.api_keys as Array<{ id: string }>).map((k) => k.id).sort();
  }

  async function liveAlertKeys(username: string): Promise<string[]> {
    const docs = await db.connection.collection("demo_alerts").find({ "run_as.username": username }).toArray();
    return docs.map((d) => String(d.api_key.id)).sort();
  }

  async function storedAlertCount(): Promise<number> {
    return db.connection.collection("demo_alerts").countDocuments();
  }

  it("walks the story: create as carol, run as carol, rotate, lose the privilege, revoke, delete", async () => {
    // The dashboard (grant_api_key, no shop access at all) sets up an alert for carol.
    assert.equal((await call("GET", "/orders", { as: "dashboard" })).status, 403);
    const created = await call("POST", "/alerts", {
      as: "dashboard",
      secondary: "carol",
      body: { name: "books", interval: "10s", condition: { item: "book" } },
    });
    assert.equal(created.status, 201, created.text);
    const alert = created.body;
    assert.equal(alert.name, "books");
    assert.equal(alert.interval, "10s");
    assert.deepEqual(alert.condition, { item: "book" });
    assert.deepEqual(alert.run_as, { username: "carol", realm: { name: "native", type: "native" }, type: "realm", source: "secondary" });
    assert.deepEqual(alert.created_by, { username: "dashboard", realm: "native" });
    assert.deepEqual(Object.keys(alert.authorization.api_key).sort(), ["id", "name"]);
    assert.equal(alert.authorization.api_key.name, `alert-${alert.id}`);

    const encoded = await storedKey(alert.id);
    const secret = Buffer.from(encoded, "base64").toString("utf8").split(":")[1] as string;
    const shown = await call("GET", `/alerts/${alert.id}`, { as: "dashboard" });
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body, alert);
    const rawDoc = JSON.stringify(await db.connection.collection("demo_alerts").findOne({ _id: alert.id as never }));
    for (const text of [created.text, shown.text, rawDoc]) {
      assert.ok(!text.includes(encoded) && !text.includes(secret), "the key's secret is never shown nor stored in clear");
    }

    // The key belongs to carol and can only read orders.
    const keyInfo = await call("GET", `/_security/api_key?id=${alert.authorization.api_key.id}`, { as: "elastic" });
    assert.equal(keyInfo.body.api_keys[0].username, "carol");
    assert.deepEqual(keyInfo.body.api_keys[0].metadata, { demo_alert_id: alert.id });
    assert.equal((await call("GET", "/_security/_authenticate", { apiKey: encoded })).body.username, "carol");
    assert.equal((await call("POST", "/orders", { apiKey: encoded, body: { item: "x", quantity: 1 } })).status, 403);
    assert.deepEqual(await validKeysOf("carol"), [alert.authorization.api_key.id]);

    // A run calls GET /orders with the key: as carol, with carol's privileges.
    assert.deepEqual(pick(await demo.alerts.runNow(alert.id)), { status: 200, username: "carol", hits: 1 });

    // Rotation: a fresh key, the old one invalidated.
    const updated = await call("PUT", `/alerts/${alert.id}`, { as: "dashboard", secondary: "carol", body: { interval: "20s" } });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.body.interval, "20s");
    assert.equal(updated.body.name, "books");
    const newKeyId = updated.body.authorization.api_key.id;
    assert.notEqual(newKeyId, alert.authorization.api_key.id);
    const oldRun = await call("GET", "/orders", { apiKey: encoded });
    assert.equal(oldRun.status, 401);
    assert.match(oldRun.body.error.additional_unsuccessful_credentials, /has been invalidated/);
    const newEncoded = await storedKey(alert.id);
    assert.equal((await call("GET", "/orders", { apiKey: newEncoded })).body.user, "carol");
    assert.deepEqual(await validKeysOf("carol"), [newKeyId]);
    assert.deepEqual(pick(await demo.alerts.runNow(alert.id)), { status: 200, username: "carol", hits: 1 });

    // carol loses shop_reader: the next run is refused, though the key itself is still valid.
    assert.equal((await call("PUT", "/_security/user/carol", { as: "elastic", body: { roles: [] } })).status, 200);
    const demoted = await demo.alerts.runNow(alert.id);
    assert.deepEqual(pick(demoted), { status: 403, username: "carol", hits: null });
    assert.match(String(demoted?.error), /no longer holds \[shop:read\]/);
    assert.equal((await call("PUT", "/_security/user/carol", { as: "elastic", body: { roles: ["shop_reader"] } })).status, 200);
    assert.deepEqual(pick(await demo.alerts.runNow(alert.id)), { status: 200, username: "carol", hits: 1 });

    // An administrator revokes carol's key: the run records the 401.
    const revoked = await call("DELETE", "/_security/api_key", { as: "elastic", body: { ids: [newKeyId] } });
    assert.deepEqual(revoked.body.invalidated_api_keys, [newKeyId]);
    const failed = await demo.alerts.runNow(alert.id);
    assert.deepEqual(pick(failed), { status: 401, username: "carol", hits: null });
    assert.match(String(failed?.error), /unable to authenticate .*\(API key: api key \[[\w-]+\] has been invalidated\)/);

    const runs = await call("GET", `/alerts/${alert.id}/runs`, { as: "dashboard" });
    assert.equal(runs.status, 200);
    assert.deepEqual(
      runs.body.runs.map((r: { status: number; username: string; hits: number | null }) => [r.status, r.username, r.hits]),
      [
        [401, "carol", null],
        [200, "carol", 1],
        [403, "carol", null],
        [200, "carol", 1],
        [200, "carol", 1],
      ],
    );
    for (const run of runs.body.runs) assert.ok(!Number.isNaN(Date.parse(run.at)));
    assert.ok(!runs.text.includes(newEncoded));

    // Delete: the alert, its runs and (here: already revoked) key are gone.
    const deleted = await call("DELETE", `/alerts/${alert.id}`, { as: "dashboard" });
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal((await call("GET", `/alerts/${alert.id}`, { as: "dashboard" })).status, 404);
    assert.equal((await call("GET", `/alerts/${alert.id}/runs`, { as: "dashboard" })).status, 404);
    assert.equal(await db.connection.collection("demo_alert_runs").countDocuments({ alert_id: alert.id }), 0);
    assert.deepEqual(await validKeysOf("carol"), []);
  });

  it("sets up an alert from the end user's access token (Bearer) that keeps running after the token is gone", async () => {
    const token = await call("POST", "/_security/oauth2/token", {
      as: "elastic",
      body: { grant_type: "password", username: "carol", password: DEMO_USERS.carol.password },
    });
    assert.equal(token.status, 200, token.text);
    const created = await call("POST", "/alerts", {
      as: "dashboard",
      secondary: `Bearer ${token.body.access_token}`,
      body: { name: "pens", interval: "1m", condition: { item: "pen" } },
    });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.run_as, {
      username: "carol",
      realm: { name: "native", type: "native" },
      type: "realm",
      source: "secondary",
    });
    const stored = JSON.stringify(await db.connection.collection("demo_alerts").findOne({ _id: created.body.id as never }));
    assert.ok(!stored.includes(token.body.access_token), "the token is not stored");

    assert.equal(
      (await call("DELETE", "/_security/oauth2/token", { as: "elastic", body: { token: token.body.access_token } })).body
        .invalidated_tokens,
      1,
    );
    assert.equal((await call("GET", "/_security/_authenticate", { authorization: `Bearer ${token.body.access_token}` })).status, 401);
    assert.deepEqual(pick(await demo.alerts.runNow(created.body.id)), { status: 200, username: "carol", hits: 1 });
    const deleted = await call("DELETE", `/alerts/${created.body.id}`, { as: "dashboard" });
    assert.deepEqual(deleted.body.invalidated_api_keys, [created.body.authorization.api_key.id]);
  });

  it("leaves the end user exactly one valid key per live alert through create, update and delete cycles", async () => {
    const ids: string[] = [];
    for (const name of ["a", "b", "c"]) {
      const res = await call("POST", "/alerts", { as: "dashboard", secondary: "carol", body: { name, interval: "1m" } });
      assert.equal(res.status, 201, res.text);
      ids.push(res.body.id);
    }
    for (let round = 0; round < 2; round++) {
      for (const id of ids)
        assert.equal((await call("PUT", `/alerts/${id}`, { as: "dashboard", secondary: "carol", body: {} })).status, 200);
    }
    assert.equal((await call("DELETE", `/alerts/${ids[1]}`, { as: "dashboard" })).status, 200);

    // A failed update gives its claim back; racing updates and deletes: one wins, the rest get 409.
    const daveKey = await call("POST", "/_security/api_key", { as: "dave", body: { name: "not-a-grant" } });
    assert.equal(
      (await call("PUT", `/alerts/${ids[0]}`, { as: "dashboard", secondary: `ApiKey ${daveKey.body.encoded}`, body: {} })).status,
      400,
    );
    const raced = await Promise.all([
      call("PUT", `/alerts/${ids[0]}`, { as: "dashboard", secondary: "carol", body: {} }),
      call("PUT", `/alerts/${ids[0]}`, { as: "dashboard", secondary: "carol", body: {} }),
      call("DELETE", `/alerts/${ids[0]}`, { as: "dashboard" }),
    ]);
    const statuses = raced.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 409).length, 2, JSON.stringify(statuses));
    if (raced[2]?.status === 200) ids[0] = "";
    const live = await liveAlertKeys("carol");
    assert.equal(live.length, ids.filter(Boolean).length - 1);
    assert.deepEqual(await validKeysOf("carol"), live);
    for (const id of [ids[0], ids[2]].filter(Boolean)) {
      const res = await call("DELETE", `/alerts/${id}`, { as: "dashboard" });
      assert.equal(res.body.invalidated_api_keys.length, 1);
    }
    await call("DELETE", "/_security/api_key", { as: "elastic", body: { ids: [daveKey.body.id] } });
    assert.deepEqual(await validKeysOf("carol"), []);
  });

  it("runs as the caller without a secondary header: a key created for it, or its own API key", async () => {
    const created = await call("POST", "/alerts", { as: "dave", body: { name: "all orders", interval: "30s" } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.run_as, {
      username: "dave",
      realm: { name: "native", type: "native" },
      type: "realm",
      source: "primary",
    });
    const keyId = created.body.authorization.api_key.id;
    assert.deepEqual(await validKeysOf("dave"), [keyId]);
    assert.deepEqual(pick(await demo.alerts.runNow(created.body.id)), { status: 200, username: "dave", hits: 2 });
    assert.deepEqual((await call("DELETE", `/alerts/${created.body.id}`, { as: "dave" })).body.invalidated_api_keys, [keyId]);
    assert.deepEqual(await validKeysOf("dave"), []);

    // Authenticated by an API key: the alert uses that key and never invalidates it.
    const own = await call("POST", "/_security/api_key", { as: "dave", body: { name: "dave-cli" } });
    const viaKey = await call("POST", "/alerts", {
      apiKey: own.body.encoded,
      body: { name: "via key", interval: "30s", condition: { min_quantity: 5 } },
    });
    assert.equal(viaKey.status, 201, viaKey.text);
    assert.deepEqual(viaKey.body.authorization.api_key, { id: own.body.id, name: "dave-cli" });
    assert.equal(viaKey.body.run_as.type, "api_key");
    assert.deepEqual(pick(await demo.alerts.runNow(viaKey.body.id)), { status: 200, username: "dave", hits: 1 });
    assert.equal((await call("DELETE", `/alerts/${viaKey.body.id}`, { apiKey: own.body.encoded })).status, 200);
    assert.equal((await call("GET", "/_security/_authenticate", { apiKey: own.body.encoded })).status, 200);
    assert.deepEqual(await validKeysOf("dave"), [own.body.id]);

    // The dashboard may not create keys for itself, so it cannot set up an alert as itself.
    const before = await storedAlertCount();
    const refused = await call("POST", "/alerts", { as: "dashboard", body: { name: "self", interval: "30s" } });
    assert.equal(refused.status, 403, refused.text);
    assert.equal(await storedAlertCount(), before);
    assert.deepEqual(await validKeysOf("dashboard"), []);
  });

  it("stores nothing for a junk secondary (401), unusable credentials (400), missing privileges (403) or a bad body (400)", async () => {
    const alertsBefore = await storedAlertCount();
    const keysBefore = await validKeysOf("carol");
    const body = { name: "nope", interval: "10s" };

    const wrongPassword = await call("POST", "/alerts", { as: "dashboard", secondary: basic("carol", "not-her-password"), body });
    assert.equal(wrongPassword.status, 401);
    assert.equal(wrongPassword.body.error.reason, "Failed to authenticate secondary user");
    const garbage = await call("POST", "/alerts", { as: "dashboard", secondary: "ApiKey bm90LWEta2V5", body });
    assert.equal(garbage.status, 401);

    const daveKey = await call("POST", "/_security/api_key", { as: "dave", body: { name: "as-secondary" } });
    const keyAsSecondary = await call("POST", "/alerts", { as: "dashboard", secondary: `ApiKey ${daveKey.body.encoded}`, body });
    assert.equal(keyAsSecondary.status, 400);
    assert.match(keyAsSecondary.body.error.reason, /cannot be used to grant API keys/);

    const noGrant = await call("POST", "/alerts", { as: "dave", secondary: "carol", body });
    assert.equal(noGrant.status, 403, noGrant.text);

    for (const bad of [
      { name: "x", interval: "500ms" },
      { name: "x", interval: "10s", condition: { $where: "1" } },
      { interval: "10s" },
      { name: "x", interval: "10s", extra: 1 },
    ]) {
      const res = await call("POST", "/alerts", { as: "dashboard", secondary: "carol", body: bad });
      assert.equal(res.status, 400, res.text);
    }
    assert.equal(await storedAlertCount(), alertsBefore);
    assert.deepEqual(await validKeysOf("carol"), keysBefore);
  });

  it("shows, changes and deletes an alert only for the caller who set it up", async () => {
    const created = await call("POST", "/alerts", { as: "dashboard", secondary: "carol", body: { name: "private", interval: "1h" } });
    const id = created.body.id;
    for (const user of ["carol", "dave"] as const) {
      assert.equal((await call("GET", `/alerts/${id}`, { as: user })).status, 404);
      assert.equal((await call("PUT", `/alerts/${id}`, { as: user, body: {} })).status, 404);
      assert.equal((await call("DELETE", `/alerts/${id}`, { as: user })).status, 404);
      assert.deepEqual((await call("GET", "/alerts", { as: user })).body.alerts, []);
    }
    assert.equal((await call("GET", "/alerts/%24where", { as: "dashboard" })).status, 404);
    assert.deepEqual(
      (await call("GET", "/alerts", { as: "dashboard" })).body.alerts.map((a: { id: string }) => a.id),
      [id],
    );
    assert.equal((await call("DELETE", `/alerts/${id}`, { as: "dashboard" })).status, 200);
  });

  it("runs each due alert once even when two instances' schedulers tick together", async () => {
    const other = createDemoAlerts(demo.security, db.connection, { encryptionKey: ENCRYPTION_KEY, tickMs: 0 });
    other.start(base);
    const ids: string[] = [];
    for (const name of ["one", "two", "three"]) {
      const res = await call("POST", "/alerts", { as: "dashboard", secondary: "carol", body: { name, interval: "1h" } });
      assert.equal(res.status, 201, res.text);
      ids.push(res.body.id);
    }
    const [here, there] = await Promise.all([demo.alerts.runDue(), other.runDue()]);
    assert.equal(here + there, ids.length);
    for (const id of ids) {
      const runs = await call("GET", `/alerts/${id}/runs`, { as: "dashboard" });
      assert.deepEqual(
        runs.body.runs.map((r: { status: number; username: string }) => [r.status, r.username]),
        [[200, "carol"]],
      );
    }
    // Nothing is due again before the interval has passed.
    assert.equal(await demo.alerts.runDue(), 0);
    await other.stop();
    for (const id of ids) assert.equal((await call("DELETE", `/alerts/${id}`, { as: "dashboard" })).status, 200);
  });
});

function pick(run: { status: number; username: string | null; hits: number | null } | undefined) {
  assert.ok(run, "the alert exists");
  return { status: run.status, username: run.username, hits: run.hits };
}
