import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Express } from "express";
import type { Security } from "../../../lib/index.js";
import { setStoredLimits, storedCredits } from "../../support/api-key-limits-fixture.js";
import { basic, startTestApp, type TestApp } from "../../support/test-app.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";

// Three app instances on one database, each enforcing a key's limits from blocks it leased:
// a rate limit is never exceeded fleet-wide in a window, and credits are never spent beyond the
// balance, with every unspent credit back on the key after the instances close.

const PASS = "limits-password";

describe("per-key limits enforced by three instances", () => {
  let db: TestDatabase;
  let apps: TestApp[] = [];
  /** Acceptance instants of `/work`, by key id, as the route saw them (right after the charge). */
  const accepted = new Map<string, number[]>();

  const configure = (app: Express, _security: Security) => {
    app.get("/work", (req, res) => {
      const id = req.security?.authentication.apiKey?.id ?? "";
      let list = accepted.get(id);
      if (!list) accepted.set(id, (list = []));
      list.push(Date.now());
      res.json({ ok: true });
    });
  };

  before(async () => {
    db = await openTestDatabase("limits_fleet");
    for (let i = 0; i < 3; i++) apps.push(await startTestApp("limits_fleet", { failureRateLimit: false }, configure, db));
    const [a] = apps as [TestApp];
    assert.equal((await a.admin("PUT", "/_security/role/limited", { cluster: ["manage_own_api_key"] })).status, 200);
    assert.equal((await a.admin("PUT", "/_security/user/client", { password: PASS, roles: ["limited"] })).status, 200);
  });

  after(async () => {
    for (const app of apps) await app.close();
    apps = [];
    await db.drop();
  });

  const createKey = async (name: string): Promise<{ id: string; encoded: string }> => {
    const res = await (apps[0] as TestApp).request("POST", "/_security/api_key", { auth: basic("client", PASS), body: { name } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { id: string; encoded: string };
  };

  it("a key limited to 100 requests per 2 s window never gets more than 100 accepted in a window, fleet-wide", async () => {
    const key = await createKey("rate-limited");
    await setStoredLimits(apps[0] as TestApp, key.id, {
      rate_limits: [{ name: "default", limit: 100, window_ms: 2000, auto_apply: true }],
    });
    const refusals: Array<{ retryAfter: string | null; body: any; window: number | undefined }> = [];
    // Ten windows of load, started just after a window boundary, from 3 × 4 concurrent clients.
    const windowMs = 2000;
    await new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs) + 5));
    const end = Date.now() + 10 * windowMs;
    await Promise.all(
      apps.flatMap((app) =>
        Array.from({ length: 4 }, async () => {
          while (Date.now() < end) {
            const sent = Date.now();
            const res = await app.request("GET", "/work", { auth: { apiKey: key.encoded } });
            // The window a refusal was decided in, when the whole exchange fell inside one.
            const window = Math.floor(sent / windowMs) === Math.floor(Date.now() / windowMs) ? Math.floor(sent / windowMs) : undefined;
            if (res.status === 429) refusals.push({ retryAfter: res.headers.get("retry-after"), body: res.body, window });
            else assert.equal(res.status, 200, JSON.stringify(res.body));
          }
        }),
      ),
    );
    const perWindow = new Map<number, number>();
    for (const at of accepted.get(key.id) ?? [])
      perWindow.set(Math.floor(at / windowMs), (perWindow.get(Math.floor(at / windowMs)) ?? 0) + 1);
    const counts = [...perWindow.values()];
    process.stdout.write(
      `# rate limit 100 per 2 s over 3 instances: accepted per window ${counts.join(", ")} (max ${Math.max(...counts)})\n`,
    );
    assert.ok(counts.length >= 9, `load spanned ${counts.length} windows`);
    for (const count of counts) assert.ok(count <= 100, `a window accepted ${count} requests, over the limit of 100`);
    // The load exceeded the limit, and in a window where the fleet ran out, what instances held
    // unspent stays within the stated bound (3 instances × 1.5 blocks of 10): at least 55 accepted.
    assert.ok(refusals.length > 0, "the load never went over the limit");
    for (const window of new Set(refusals.map((r) => r.window))) {
      if (window === undefined) continue;
      const count = perWindow.get(window) ?? 0;
      assert.ok(count >= 55, `a window that refused requests accepted only ${count}`);
    }
    const refusal = refusals[0] as { retryAfter: string | null; body: any };
    assert.equal(refusal.body.status, 429);
    assert.equal(refusal.body.error.type, "status_exception");
    assert.match(
      refusal.body.error.reason,
      new RegExp(`^rate limit exceeded: api key \\[${key.id}\\] is limited to \\[100\\] per \\[2s\\] by limit \\[default\\]$`),
    );
    assert.ok(Number(refusal.retryAfter) >= 1 && Number(refusal.retryAfter) <= 2, `Retry-After ${refusal.retryAfter}`);
  });

  it("the lease of an instance that stopped without closing is written off after it expired, never given back to spend twice", async () => {
    const [a, b] = apps as [TestApp, TestApp];
    const key = await createKey("crashing");
    await setStoredLimits(a, key.id, { credits: { remaining: 100 } });
    for (let i = 0; i < 3; i++) assert.equal((await a.request("GET", "/work", { auth: { apiKey: key.encoded } })).status, 200);
    // A's background prefetch may still be writing: read once two reads 200 ms apart agree.
    const read = async () => ({
      lease: await a.core.models.apiKeyCreditLeases.findOne({ key_id: key.id }).lean().exec(),
      credits: await storedCredits(a, key.id),
    });
    let seen = await read();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const again = await read();
      if (JSON.stringify(again) === JSON.stringify(seen)) break;
      seen = again;
    }
    const { lease, credits: before } = seen;
    assert.ok(lease !== null && lease.held > 0, "instance A holds a lease");
    // Not expired yet: another instance's sweep leaves it alone.
    assert.equal(await b.core.limits.credits.sweep(Date.now(), 30_000), 0);
    // As seen a minute after A's last renewal (A stopped): written off, not returned.
    assert.equal(await b.core.limits.credits.sweep(lease.expire_at + 31_000, 30_000), 1);
    const after = await storedCredits(a, key.id);
    assert.equal(after?.remaining, before?.remaining);
    assert.equal(after?.leased, Math.max(0, (before?.leased ?? 0) - lease.held));
    assert.equal(await a.core.models.apiKeyCreditLeases.countDocuments({ key_id: key.id }).exec(), 0);
    // What was stranded is at most the lease A held; nothing A settles later is counted twice.
    const stranded = 100 - 3 - (after?.remaining ?? 0);
    assert.ok(stranded >= 0 && stranded <= lease.held, `stranded ${stranded}, lease held ${lease.held}`);
  });

  it("1,000 credits, 5,000 parallel requests over three instances: at most 1,000 accepted, and after close remaining + accepted = 1,000", async () => {
    const key = await createKey("credited");
    await setStoredLimits(apps[0] as TestApp, key.id, { credits: { remaining: 1000 } });
    let ok = 0;
    let refused = 0;
    let next = 0;
    const TOTAL = 5000;
    await Promise.all(
      apps.flatMap((app) =>
        Array.from({ length: 8 }, async () => {
          while (next < TOTAL) {
            next++;
            const res = await app.request("GET", "/work", { auth: { apiKey: key.encoded } });
            if (res.status === 200) ok++;
            else {
              assert.equal(res.status, 429, JSON.stringify(res.body));
              assert.match(res.body.error.reason, new RegExp(`^usage exceeded: api key \\[${key.id}\\] has no credits left$`));
              assert.equal(res.headers.get("retry-after"), null, "no refill: no time to wait for");
              refused++;
            }
          }
        }),
      ),
    );
    process.stdout.write(`# credits: 1000 credits, ${ok + refused} requests over 3 instances: ${ok} accepted, ${refused} refused\n`);
    assert.equal(ok + refused, TOTAL);
    assert.ok(ok <= 1000, `${ok} requests accepted with 1,000 credits`);
    assert.ok(ok >= 1000 - 3 * 100, `only ${ok} accepted`);
    // A second key, used lightly: the instances close holding unspent credits of it.
    const light = await createKey("lightly-used");
    await setStoredLimits(apps[0] as TestApp, light.id, { credits: { remaining: 1000 } });
    for (let i = 0; i < 60; i++) {
      assert.equal((await (apps[i % 3] as TestApp).request("GET", "/work", { auth: { apiKey: light.encoded } })).status, 200);
    }
    const held = await storedCredits(apps[0] as TestApp, light.id);
    assert.ok(held !== undefined && held.leased > 0, `instances hold leased credits: ${JSON.stringify(held)}`);
    const db2 = apps[0] as TestApp;
    for (const app of apps) await app.close();
    assert.deepEqual(await storedCredits(db2, light.id), { remaining: 1000 - 60, leased: 0 });
    apps = [];
    const credits = await storedCredits(db2, key.id);
    assert.deepEqual(credits, { remaining: 1000 - ok, leased: 0 });
    assert.equal(await db2.core.models.apiKeyCreditLeases.countDocuments({ key_id: key.id }).exec(), 0);
    // A new instance reloads the key and spends exactly what is left.
    apps.push(await startTestApp("limits_fleet", { failureRateLimit: false }, configure, db));
    let more = 0;
    for (;;) {
      const res = await (apps[0] as TestApp).request("GET", "/work", { auth: { apiKey: key.encoded } });
      if (res.status !== 200) break;
      more++;
    }
    assert.equal(ok + more, 1000);
  });
});
