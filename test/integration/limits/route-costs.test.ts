import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client, errors } from "@elastic/elasticsearch";
import type { Express } from "express";
import type { AuditEvent, Security } from "../../../lib/index.js";
import { setStoredLimits, storedCredits } from "../../support/api-key-limits-fixture.js";
import { basic, startTestApp, type TestApp } from "../../support/test-app.js";

// One instance: what a request with a limited key costs (auto-applied limits, route costs through
// `security.consume` and `requirePrivileges`, credits), the 429s, refills and the audit event.

const PASS = "route-costs-password";

describe("per-key limits: route costs, refusals, refill and audit", () => {
  let t: TestApp;
  const events: AuditEvent[] = [];

  const configure = (app: Express, security: Security) => {
    app.get("/hello", (_req, res) => res.json({ ok: true }));
    app.get("/export", security.consume("exports", 2), (_req, res) => res.json({ exported: true }));
    app.get(
      "/report",
      security.requirePrivileges({ cluster: ["manage_own_api_key"] }, { consume: { name: "reports", cost: 3 } }),
      (_req, res) => res.json({ report: true }),
    );
    app.get("/admin-only", security.requirePrivileges({ cluster: ["manage_security"] }, { consume: { name: "reports" } }), (_req, res) =>
      res.json({}),
    );
    app.use(security.errorHandler());
  };

  before(async () => {
    t = await startTestApp("limits_routes", { failureRateLimit: false, audit: (event) => events.push(event) }, configure);
    assert.equal((await t.admin("PUT", "/_security/role/limited", { cluster: ["manage_own_api_key"] })).status, 200);
    assert.equal((await t.admin("PUT", "/_security/user/client", { password: PASS, roles: ["limited"] })).status, 200);
  });

  after(async () => {
    await t.close();
  });

  const createKey = async (name: string): Promise<{ id: string; encoded: string }> => {
    const res = await t.request("POST", "/_security/api_key", { auth: basic("client", PASS), body: { name } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { id: string; encoded: string };
  };
  const get = (path: string, key: { encoded: string }) => t.request("GET", path, { auth: { apiKey: key.encoded } });

  it("security.consume charges its cost against the named limit only; other routes are not charged by it", async () => {
    const key = await createKey("exporter");
    await setStoredLimits(t, key.id, { rate_limits: [{ name: "exports", limit: 5, window_ms: 60_000, auto_apply: false }] });
    assert.equal((await get("/export", key)).status, 200);
    assert.equal((await get("/export", key)).status, 200);
    const refused = await get("/export", key);
    assert.equal(refused.status, 429);
    assert.match(refused.body.error.reason, /^rate limit exceeded: api key \[.+\] is limited to \[5\] per \[1m\] by limit \[exports\]$/);
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    // The limit is not auto-applied: routes that do not ask for it stay open.
    for (let i = 0; i < 10; i++) assert.equal((await get("/hello", key)).status, 200);
  });

  it("an auto-applied limit charges every request, management requests included (also through the official client)", async () => {
    const key = await createKey("auto");
    await setStoredLimits(t, key.id, { rate_limits: [{ name: "default", limit: 3, window_ms: 60_000, auto_apply: true }] });
    assert.equal((await get("/hello", key)).status, 200);
    assert.equal((await get("/_security/_authenticate", key)).status, 200);
    const client = new Client({ node: t.baseUrl, auth: { apiKey: key.encoded } });
    try {
      assert.equal((await client.security.authenticate()).api_key?.id, key.id);
      await assert.rejects(client.security.authenticate(), (error: unknown) => {
        assert.ok(error instanceof errors.ResponseError);
        assert.equal(error.statusCode, 429);
        assert.equal(error.body.error.type, "status_exception");
        assert.match(error.body.error.reason, /^rate limit exceeded: /);
        return true;
      });
    } finally {
      await client.close();
    }
  });

  it("requirePrivileges charges its consume option only once the privileges are granted", async () => {
    const key = await createKey("reporter");
    await setStoredLimits(t, key.id, {
      rate_limits: [{ name: "reports", limit: 6, window_ms: 60_000, auto_apply: false }],
      credits: { remaining: 100 },
    });
    // Refused with 403 first: costs neither allowance nor credits.
    for (let i = 0; i < 3; i++) assert.equal((await get("/admin-only", key)).status, 403);
    assert.equal((await get("/report", key)).status, 200);
    assert.equal((await get("/report", key)).status, 200);
    const refused = await get("/report", key);
    assert.equal(refused.status, 429);
    assert.match(refused.body.error.reason, /by limit \[reports\]$/);
    await t.core.limits.close();
    t.core.limits.start();
    // Requests: 3 × 403 (1 credit each, paid at authentication) + 3 × /report (1 each, and 3 for
    // each of the two granted); the refused third paid its own 1 only.
    assert.deepEqual(await storedCredits(t, key.id), { remaining: 100 - 3 - 3 - 2 * 3, leased: 0 });
  });

  it("a key out of credits answers 429 usage exceeded, audits it once, and works again after its refill interval", async () => {
    const key = await createKey("trial");
    await setStoredLimits(t, key.id, {
      credits: { remaining: 3, refill: { interval: 3000, amount: 3, refill_day: null, last_refill: Date.now() } },
    });
    for (let i = 0; i < 3; i++) assert.equal((await get("/hello", key)).status, 200);
    const refused = await get("/hello", key);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.type, "status_exception");
    assert.equal(refused.body.error.reason, `usage exceeded: api key [${key.id}] has no credits left`);
    const wait = Number(refused.headers.get("retry-after"));
    assert.ok(wait >= 1 && wait <= 3, `Retry-After ${wait}`);
    assert.equal((await get("/hello", key)).status, 429);
    const exhausted = events.filter((e) => e.type === "api_key_usage_exceeded" && e.api_key_id === key.id);
    assert.equal(exhausted.length, 1);
    assert.deepEqual(
      { ...exhausted[0], timestamp: undefined },
      {
        type: "api_key_usage_exceeded",
        timestamp: undefined,
        api_key_id: key.id,
        api_key_name: "trial",
        username: "client",
        realm: "native",
      },
    );
    await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 100));
    for (let i = 0; i < 3; i++) assert.equal((await get("/hello", key)).status, 200, `request ${i} after the refill`);
    assert.equal((await get("/hello", key)).status, 429);
  });

  it("limitState reports each limited key's current window use and its credits; keys without limits are absent", async () => {
    const key = await createKey("observed");
    const plain = await createKey("plain");
    await setStoredLimits(t, key.id, {
      rate_limits: [{ name: "default", limit: 50, window_ms: 3_600_000, auto_apply: true }],
      credits: { remaining: 500 },
    });
    for (let i = 0; i < 4; i++) assert.equal((await get("/hello", key)).status, 200);
    const state = await t.core.limits.state([key.id, plain.id]);
    assert.deepEqual([...state.keys()], [key.id]);
    const observed = state.get(key.id);
    const windowStart = Date.now() - (Date.now() % 3_600_000);
    assert.equal(observed?.rateLimits.default?.windowStart, windowStart);
    // Allowance handed to this instance: what it accepted and what it holds for what comes next.
    const used = observed?.rateLimits.default?.used ?? 0;
    assert.ok(used >= 4 && used <= 4 + 5, `used ${used}`);
    // Spent credits leave `leased` when the instance reports them (settled): before that they
    // are still counted there.
    const credits = observed?.credits;
    assert.ok(credits !== undefined, "credits are reported");
    const total = credits.remaining + credits.leased;
    assert.ok(total >= 496 && total <= 500 && credits.remaining <= 496, JSON.stringify(credits));
  });

  it("keys without limits, and other credentials, are never charged", async () => {
    const key = await createKey("unlimited");
    const auth = await t.security.apiKeys.authenticationForKey(key.id);
    assert.equal(auth.apiKey?.limits, undefined);
    for (let i = 0; i < 20; i++) {
      assert.equal((await get("/export", key)).status, 200);
      assert.equal((await t.request("GET", "/export", { auth: basic("client", PASS) })).status, 200);
    }
  });

  it("consume and requirePrivileges refuse an invalid route cost when the route is declared", () => {
    assert.throws(() => t.security.consume("Bad Name"), TypeError);
    assert.throws(() => t.security.consume("exports", -1), TypeError);
    assert.throws(() => t.security.consume("exports", 1.5), TypeError);
    assert.throws(() => t.security.requirePrivileges({ cluster: ["monitor"] }, { consume: { name: "" } }), TypeError);
  });
});
