import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { decodeEncryptionKey } from "../../../demo-app/alerts/encryption-key.js";
import { SecretBox } from "../../../demo-app/alerts/secret-box.js";
import { DEMO_USERS } from "../../../demo-app/seed-demo-data.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";

const MAIN = fileURLToPath(new URL("../../../demo-app/main.js", import.meta.url));
const basic = (user: string, password: string) => "Basic " + Buffer.from(`${user}:${password}`).toString("base64");

interface Demo {
  child: ChildProcess;
  base: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts the compiled `demo-app/main.js` (what `npm run demo` runs) and waits for its tour. */
async function startDemo(env: Record<string, string>): Promise<Demo> {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: "0", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${output}`)), 20_000);
    const check = () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match && output.includes("/alerts/<id>/runs")) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => reject(new Error(`the demo exited with ${code}:\n${output}`)));
  });
  return {
    child,
    base,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("npm run demo (demo-app/main.js): seeding, tour, scheduler across a restart", () => {
  let db: TestDatabase;
  let demo: Demo | undefined;

  before(async () => {
    db = await openTestDatabase("demo-main");
  });

  after(async () => {
    await demo?.stop();
    await db.drop();
  });

  it("seeds users, prints a tour, runs alerts as the end user, and resumes them after a restart without logging secrets", async () => {
    demo = await startDemo({ MONGODB_URI: db.uri, KEYGUARD_BOOTSTRAP_PASSWORD: "main-test-pass" });
    const dashboard = basic("dashboard", DEMO_USERS.dashboard.password);
    const carol = basic("carol", DEMO_USERS.carol.password);
    assert.match(
      demo.output(),
      /curl -u dashboard:dashboard-password -H "es-secondary-authorization: Basic \$\(printf carol:carol-password \| base64\)"/,
    );

    const created = await fetch(`${demo.base}/alerts`, {
      method: "POST",
      headers: { authorization: dashboard, "es-secondary-authorization": carol, "content-type": "application/json" },
      body: JSON.stringify({ name: "books", interval: "1s", condition: { item: "book" } }),
    });
    assert.equal(created.status, 201);
    const alert = (await created.json()) as { id: string };
    const runs = async () => {
      const res = await fetch(`${demo?.base}/alerts/${alert.id}/runs`, { headers: { authorization: dashboard } });
      return ((await res.json()) as { runs: Array<{ at: string; status: number; username: string; hits: number }> }).runs;
    };
    // The scheduler runs it by itself (interval 1s); the seeded orders hold one book order.
    const first = await waitFor("a first run", async () => (await runs())[0]);
    assert.deepEqual([first.status, first.username, first.hits], [200, "carol", 1]);

    await demo.stop();
    const stoppedAt = Date.now();
    const settings = await db.connection.collection("demo_settings").findOne({ _id: "alerts.encryption_key" as never });
    assert.equal(typeof settings?.value, "string", "a generated key is kept in demo_settings");
    const firstOutput = demo.output();

    // Restarted without the bootstrap password: nothing is re-seeded, the alert resumes, and the
    // generated encryption key is read back (the stored API key still opens).
    demo = await startDemo({ MONGODB_URI: db.uri });
    const resumed = await waitFor("a run after the restart", async () => (await runs()).find((run) => Date.parse(run.at) > stoppedAt));
    assert.deepEqual([resumed.status, resumed.username, resumed.hits], [200, "carol", 1]);
    await demo.stop();

    const stored = await db.connection.collection("demo_alerts").findOne({ _id: alert.id as never });
    const encoded = new SecretBox(decodeEncryptionKey(String(settings?.value))).open(String(stored?.api_key.sealed), alert.id);
    assert.ok(encoded, "the alert's key is sealed with the stored encryption key");
    for (const output of [firstOutput, demo.output()]) {
      assert.ok(!output.includes(String(settings?.value)), "the encryption key is never printed");
      assert.ok(!output.includes(encoded), "the alert's API key is never printed");
    }
    assert.match(demo.output(), /the superuser "elastic" already exists/);
    demo = undefined;
  });
});
