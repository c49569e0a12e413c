import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { DEMO_USERS, seedDemoData } from "../../../demo-app/seed-demo-data.js";
import { startDemoServer, type DemoServer } from "../../support/demo-server.js";
import { eventually } from "../../support/eventually.js";

const PASSWORD = "backoff-admin-pass";
// Minutes of the alert scheduler in seconds: the demo's clock runs 60 times faster than real
// time, so a "1s" alert is due every 1/60 s of real time. Its runs are real HTTP calls to the
// demo's own GET /orders from 127.0.0.1, counted by the real failure limiter in MongoDB.
const SPEED = 60;

const basic = (user: string, password: string) => "Basic " + Buffer.from(`${user}:${password}`).toString("base64");
const carol = basic("carol", DEMO_USERS.carol.password);
// The dashboard sets alerts up for carol (a key granted for her), as in the demo's tour.
const dashboard = basic("dashboard", DEMO_USERS.dashboard.password);

interface Call {
  status: number;
  body: any;
  text: string;
}

function caller(base: string) {
  return async (method: string, path: string, authorization: string, body?: unknown, secondary?: string): Promise<Call> => {
    const res = await fetch(base + path, {
      method,
      headers: {
        authorization,
        ...(secondary !== undefined ? { "es-secondary-authorization": secondary } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
  };
}

/**
 * Starts the demo with a fast clock, creates a "1s" alert for carol, revokes its key, and lets the
 * scheduler run for `simulatedMs` while bystanders on the same address (127.0.0.1) call the app:
 * credentials already verified, and every 30 simulated seconds a user logging in for the first time.
 */
async function runRevokedAlert(label: string, simulatedMs: number, options: { failingAfter?: number; minRuns?: number } = {}) {
  const { failingAfter, minRuns = 0 } = options;
  const started = Date.now();
  const clock = () => started + (Date.now() - started) * SPEED;
  const running = await startDemoServer(label, PASSWORD, {
    alerts: {
      encryptionKey: randomBytes(32).toString("base64"),
      tickMs: 10,
      clock,
      maxBackoffMs: 60_000,
      ...(failingAfter !== undefined ? { failingAfter } : {}),
    },
  });
  const { demo, base } = running;
  const call = caller(base);
  await seedDemoData(base, PASSWORD, (m) => assert.fail(m));
  const created = await call("POST", "/alerts", dashboard, { name: "books", interval: "1s", condition: { item: "book" } }, carol);
  assert.equal(created.status, 201, created.text);
  assert.deepEqual(created.body.health, { status: "ok", consecutive_failures: 0, failing_since: null, last_failure: null });
  const revoked = await call("DELETE", "/_security/api_key", basic("elastic", PASSWORD), { ids: [created.body.authorization.api_key.id] });
  assert.equal(revoked.body.invalidated_api_keys.length, 1);
  for (let i = 0; i < 5; i++) {
    const res = await call("PUT", `/_security/user/erin${i}`, basic("elastic", PASSWORD), {
      password: `erin${i}-password`,
      roles: ["shop_reader"],
    });
    assert.equal(res.status, 200, res.text);
  }

  const bystanders: number[] = [];
  demo.alerts.start(base);
  const runStarted = Date.now();
  let fresh = 0;
  const id = created.body.id as string;
  const runCount = () => running.db.connection.collection("demo_alert_runs").countDocuments({ alert_id: id });
  // At least `simulatedMs`, and (on a loaded machine, where runs are slower) until `minRuns` ran, for at most a real minute.
  const enough = async (elapsed: number) =>
    elapsed >= simulatedMs && (minRuns === 0 || (await runCount()) >= minRuns || Date.now() - runStarted > 60_000);
  for (let elapsed = 0; !(await enough(elapsed)); elapsed = (Date.now() - runStarted) * SPEED) {
    bystanders.push((await call("GET", "/orders", carol)).status);
    bystanders.push((await call("GET", "/_security/_authenticate", basic("dave", DEMO_USERS.dave.password))).status);
    if (fresh < 5 && elapsed >= (fresh + 1) * 30_000) {
      bystanders.push((await call("GET", "/orders", basic(`erin${fresh}`, `erin${fresh}-password`))).status);
      fresh++;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await demo.alerts.stop();
  const runs = await call("GET", `/alerts/${id}/runs`, dashboard);
  const statuses = (runs.body.runs as Array<{ status: number }>).map((r) => r.status).reverse();
  return { running, call, id, bystanders, statuses, fresh };
}

async function stop(running: DemoServer): Promise<void> {
  await running.demo.alerts.stop();
  await running.close();
}

describe("demo alerts: a revoked key backs off and never locks anyone else out", () => {
  it("an alert whose key was revoked, left running for 3 (simulated) minutes: no other client gets 429, the alert shows it is failing, an update resumes it", async () => {
    const { running, call, id, bystanders, statuses, fresh } = await runRevokedAlert("alert_backoff", 3 * 60_000);
    try {
      assert.ok(bystanders.length >= 20, `${bystanders.length} bystander requests`);
      assert.equal(fresh, 5, "five first logins from the same address during the run");
      assert.deepEqual([...new Set(bystanders)], [200], `bystander statuses: ${JSON.stringify(bystanders.filter((s) => s !== 200))}`);
      assert.ok(statuses.length >= 3, `${statuses.length} runs`);
      assert.ok(
        statuses.every((s) => s === 401),
        `run statuses ${statuses.join(",")}`,
      );
      // Without back-off a "1s" alert runs 180 times in three minutes.
      assert.ok(statuses.length <= 15, `${statuses.length} runs in 3 minutes: the failing alert backs off`);
      const shown = await call("GET", `/alerts/${id}`, dashboard);
      assert.equal(shown.body.health.status, "failing");
      assert.ok(shown.body.health.consecutive_failures >= 3);
      assert.ok(!Number.isNaN(Date.parse(shown.body.health.failing_since)));
      assert.equal(shown.body.health.last_failure.status, 401);
      assert.match(shown.body.health.last_failure.error, /has been invalidated/);
      process.stdout.write(
        `# revoked-key alert, interval 1s, 3 simulated minutes: ${statuses.length} runs (${statuses.join(",")}); ${bystanders.length} bystander requests from the same address, all 200\n`,
      );

      // Updating the alert (a fresh key) clears the failing state and it runs again at once.
      const updated = await call("PUT", `/alerts/${id}`, dashboard, {}, carol);
      assert.equal(updated.status, 200, updated.text);
      assert.deepEqual(updated.body.health, { status: "ok", consecutive_failures: 0, failing_since: null, last_failure: null });
      running.demo.alerts.start(running.base);
      await eventually(async () => (await call("GET", `/alerts/${id}/runs`, dashboard)).body.runs[0].status === 200, 10_000);
      assert.equal((await call("GET", `/alerts/${id}`, dashboard)).body.health.status, "ok");
    } finally {
      await stop(running);
    }
  });

  it("even without back-off, a revoked key's runs lock out only that key: a minute of 1-second runs, every bystander still gets 200", async () => {
    const { running, bystanders, statuses } = await runRevokedAlert("alert_nobackoff", 60_000, { failingAfter: 1_000_000, minRuns: 25 });
    try {
      assert.deepEqual([...new Set(bystanders)], [200], `bystander statuses: ${JSON.stringify(bystanders.filter((s) => s !== 200))}`);
      // The key's own pair is refused after the default 10 failures; nobody else is.
      assert.ok(statuses.length > 20, `${statuses.length} runs`);
      assert.deepEqual(
        statuses.slice(0, 10),
        Array.from({ length: 10 }, () => 401),
      );
      assert.ok(
        statuses.slice(10).every((s) => s === 429),
        `run statuses ${statuses.join(",")}`,
      );
      process.stdout.write(
        `# revoked-key alert without back-off, at least 1 simulated minute: ${statuses.length} runs (10 × 401, then 429); ${bystanders.length} bystander requests, all 200\n`,
      );
    } finally {
      await stop(running);
    }
  });
});
