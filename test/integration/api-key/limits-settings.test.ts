import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client } from "@elastic/elasticsearch";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { as, assertError, assertKeyRefused, createFixtures, createKey, eventually } from "./api-key-fixtures.js";

const FAST = { failureRateLimit: false as const, eventsPollInterval: "200ms" };

const LIMITS = {
  rate_limits: [
    { name: "default", limit: 100, window: "10s" },
    { name: "exports", limit: 5, window: "1m", auto_apply: false },
  ],
  credits: { remaining: 1000, refill: { interval: "daily", amount: 1000 } },
};

/** The fields Elasticsearch returns for a REST key (with `limited_by` off). */
const ES_FIELDS = [
  "id",
  "name",
  "type",
  "creation",
  "invalidated",
  "username",
  "realm",
  "realm_type",
  "metadata",
  "role_descriptors",
].sort();

/** A host route echoing the limits the request's authentication carries. */
function limitsRoute(t: { app: TestApp["app"]; security: TestApp["security"] }): void {
  t.app.get("/whoami-limits", (req, res) => {
    const limits = t.security.authenticationOf(req).apiKey?.limits;
    res.json({ limits: limits ?? null });
  });
}

describe("API-key limits and disable/enable: settings on the wire", () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  const clients: Client[] = [];
  const client = (auth: ConstructorParameters<typeof Client>[0]["auth"]) => {
    const c = new Client({ node: a.baseUrl, auth });
    clients.push(c);
    return c;
  };

  before(async () => {
    db = await openTestDatabase("ak_limits");
    a = await startTestApp("ak_limits", FAST, (app, security) => limitsRoute({ app, security }), db);
    b = await startTestApp("ak_limits", FAST, (app, security) => limitsRoute({ app, security }), db);
    await createFixtures(a);
  });
  after(async () => {
    for (const c of clients) await c.close();
    await a.close();
    await b.close();
    await db.drop();
  });

  const getKey = async (t: TestApp, id: string) => {
    const res = await t.admin("GET", `/_security/api_key?id=${id}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.api_keys[0] as Record<string, unknown>;
  };
  const authenticate = (t: TestApp, encoded: string) => t.request("GET", "/_security/_authenticate", { auth: { apiKey: encoded } });

  it("Get and Query show how much of each rate limit's current window the fleet has used", async () => {
    const key = await createKey(a, "owner", {
      name: "used-window",
      limits: {
        rate_limits: [
          { name: "default", limit: 50, window: "1h" },
          { name: "exports", limit: 5, window: "1h", auto_apply: false },
        ],
      },
    });
    const usedOf = (info: Record<string, unknown>) =>
      Object.fromEntries((info.limits as { rate_limits: Array<{ name: string; used: number }> }).rate_limits.map((r) => [r.name, r.used]));
    assert.deepEqual(usedOf(await getKey(a, key.id)), { default: 0, exports: 0 });
    for (let i = 0; i < 6; i++) assert.equal((await authenticate(i % 2 === 0 ? a : b, key.encoded)).status, 200);
    // Six requests were accepted over two instances; instances may also hold a prefetched block,
    // at most a tenth of the limit each (5), so `used` lies between 6 and 6 + 2 × 5.
    const used = usedOf(await getKey(b, key.id));
    assert.ok(used.default! >= 6 && used.default! <= 16, `used ${used.default}`);
    assert.equal(used.exports, 0);
    const query = await a.admin("POST", "/_security/_query/api_key", { query: { ids: { values: [key.id] } } });
    assert.equal(query.status, 200, JSON.stringify(query.body));
    const fromQuery = usedOf(query.body.api_keys[0]);
    assert.ok(fromQuery.default! >= 6 && fromQuery.default! <= 16, `used ${fromQuery.default}`);
  });

  it("create stores the limits; Get shows them with the live balance; a key without settings looks exactly as before", async () => {
    const limited = await createKey(a, "owner", { name: "limited", limits: LIMITS });
    const plain = await createKey(a, "owner", { name: "plain" });
    const info = await getKey(a, limited.id);
    const limits = info.limits as Record<string, any>;
    const now = Date.now();
    assert.deepEqual(limits.rate_limits, [
      { name: "default", limit: 100, window: "10s", auto_apply: true, used: 0, window_start: limits.rate_limits[0].window_start },
      { name: "exports", limit: 5, window: "1m", auto_apply: false, used: 0, window_start: limits.rate_limits[1].window_start },
    ]);
    // The current window of each limit: aligned to its length, and containing now.
    for (const [i, ms] of [10_000, 60_000].entries()) {
      const start: number = (limits.rate_limits as Array<{ window_start: number }>)[i]!.window_start;
      assert.equal(start % ms, 0);
      assert.ok(start <= now && now - start < ms + 5_000, `window_start ${start} for now ${now}`);
    }
    assert.equal(limits.credits.remaining, 1000);
    assert.equal(limits.credits.leased, 0);
    assert.equal(limits.credits.refill.interval, "daily");
    assert.equal(limits.credits.refill.amount, 1000);
    assert.equal(typeof limits.credits.refill.last_refill, "number");
    assert.equal("enabled" in info, false);

    const plainInfo = await getKey(a, plain.id);
    assert.deepEqual(Object.keys(plainInfo).sort(), ES_FIELDS);

    // Monthly refills default to the first of the month; credits may start from the refill amount.
    const monthly = await createKey(a, "owner", {
      name: "monthly",
      limits: { credits: { refill: { interval: "monthly", amount: 50 } } },
    });
    const monthlyLimits = (await getKey(a, monthly.id)).limits as Record<string, any>;
    assert.deepEqual(monthlyLimits.rate_limits, []);
    assert.equal(monthlyLimits.credits.remaining, 50);
    assert.equal(monthlyLimits.credits.refill.refill_day, 1);
  });

  it("a request with a limited key carries its limits (from the cached key); an unlimited key carries none", async () => {
    const limited = await createKey(a, "owner", { name: "carried", limits: LIMITS });
    const plain = await createKey(a, "owner", { name: "carried-plain" });
    for (const t of [a, b]) {
      const res = await t.request("GET", "/whoami-limits", { auth: { apiKey: limited.encoded } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.limits, {
        rateLimits: [
          { name: "default", limit: 100, windowMs: 10_000, autoApply: true },
          { name: "exports", limit: 5, windowMs: 60_000, autoApply: false },
        ],
        credits: { refill: { interval: "daily", amount: 1000 } },
      });
      const none = await t.request("GET", "/whoami-limits", { auth: { apiKey: plain.encoded } });
      assert.equal(none.body.limits, null);
    }
  });

  it("the official client sends `limits` in create and grant bodies as given, and reaches the extension endpoints through its transport", async () => {
    const owner = client({ username: "owner", password: "owner-pass" });
    const created = await owner.security.createApiKey({
      name: "client-limited",
      limits: { rate_limits: [{ name: "default", limit: 7, window: "1s" }] },
    } as unknown as Parameters<Client["security"]["createApiKey"]>[0]);
    const info = await getKey(a, created.id);
    const shown = (info.limits as { rate_limits: Array<Record<string, unknown>> }).rate_limits;
    assert.deepEqual(
      shown.map(({ used: _used, window_start: _start, ...rest }) => rest),
      [{ name: "default", limit: 7, window: "1s", auto_apply: true }],
    );

    const granter = client({ username: "granter", password: "granter-pass" });
    const granted = await granter.security.grantApiKey({
      grant_type: "password",
      username: "owner",
      password: "owner-pass",
      api_key: { name: "granted-limited", limits: { credits: { remaining: 3 } } },
    } as unknown as Parameters<Client["security"]["grantApiKey"]>[0]);
    const grantedInfo = await getKey(a, granted.id);
    assert.deepEqual(grantedInfo.limits, { rate_limits: [], credits: { remaining: 3, leased: 0 } });

    // The extension endpoints through the client's transport (it has no method for them).
    const manager = client({ username: "manager", password: "manager-pass" });
    const limits = await manager.transport.request({
      method: "PUT",
      path: `/_security/api_key/${created.id}/_limits`,
      body: { credits: { remaining: 2 } },
    });
    assert.deepEqual(limits, { id: created.id, limits: { rate_limits: [], credits: { remaining: 2, leased: 0 } } });
    const disabled = await manager.transport.request({ method: "POST", path: `/_security/api_key/${created.id}/_disable` });
    assert.deepEqual(disabled, { id: created.id, enabled: false, updated: true });
    const asKey = client({ apiKey: created.encoded });
    await assert.rejects(asKey.security.authenticate(), (error: { meta?: { statusCode?: number } }) => error.meta?.statusCode === 401);
    const enabled = await manager.transport.request({ method: "POST", path: `/_security/api_key/${created.id}/_enable` });
    assert.deepEqual(enabled, { id: created.id, enabled: true, updated: true });
    assert.equal((await asKey.security.authenticate()).api_key?.id, created.id);

    // Unchanged for clients that send Elasticsearch's own fields only.
    const plain = await owner.security.createApiKey({ name: "client-plain" });
    assert.deepEqual(Object.keys(await getKey(a, plain.id)).sort(), ES_FIELDS);
  });

  it("invalid limits are refused with Elasticsearch-shaped 400s", async () => {
    const create = (limits: unknown) => a.request("POST", "/_security/api_key", { auth: as("owner"), body: { name: "bad", limits } });
    assertError(
      await create("x"),
      400,
      "x_content_parse_exception",
      "[api_key_request] limits doesn't support values of type: VALUE_STRING",
    );
    assertError(await create({ rate: [] }), 400, "x_content_parse_exception", "[limits] unknown field [rate]");
    assertError(
      await create({ rate_limits: [{ name: "a", limit: 1, window: "1s", cost: 2 }] }),
      400,
      "x_content_parse_exception",
      "[rate_limits] unknown field [cost]",
    );
    assertError(
      await create({ rate_limits: [{ name: "Bad Name", limit: 0, window: "500ms" }] }),
      400,
      "action_request_validation_exception",
      'Validation Failed: 1: [limits.rate_limits[0].name] must be 1 to 64 characters of [a-z0-9_-] but was ["Bad Name"];' +
        "2: [limits.rate_limits[0].limit] must be an integer between 1 and 1000000000000 but was [0];" +
        "3: [limits.rate_limits[0].window] must be between [1s] and [1d] but was [500ms];",
    );
    assertError(
      await create({
        rate_limits: [
          { name: "a", limit: 1, window: "1s" },
          { name: "a", limit: 2, window: "1s" },
        ],
      }),
      400,
      "action_request_validation_exception",
      "Validation Failed: 1: [limits.rate_limits[1].name] duplicates the rate limit name [a];",
    );
    const nine = Array.from({ length: 9 }, (_, i) => ({ name: `l${i}`, limit: 1, window: "1s" }));
    assertError(
      await create({ rate_limits: nine }),
      400,
      "action_request_validation_exception",
      "Validation Failed: 1: [limits.rate_limits] may hold at most 8 limits but has 9;",
    );
    assertError(
      await create({ credits: { remaining: -1, refill: { interval: "daily", amount: 5, refill_day: 3 } } }),
      400,
      "action_request_validation_exception",
      "Validation Failed: 1: [limits.credits.remaining] must be an integer between 0 and 1000000000000 but was [-1];" +
        "2: [limits.credits.refill.refill_day] is only allowed with a [monthly] interval;",
    );
    assertError(
      await create({ credits: {} }),
      400,
      "action_request_validation_exception",
      "Validation Failed: 1: [limits.credits] needs [remaining] or a [refill];",
    );
    // Elasticsearch's own validation comes first.
    const res = await a.request("POST", "/_security/api_key", { auth: as("owner"), body: { name: "_bad", limits: { credits: {} } } });
    assertError(
      res,
      400,
      "action_request_validation_exception",
      "Validation Failed: 1: api key name may not begin with an underscore;2: [limits.credits] needs [remaining] or a [refill];",
    );
    const keys = await a.admin("GET", "/_security/api_key?name=bad");
    assert.deepEqual(keys.body.api_keys, []);
  });

  it("_limits and _credits need manage_api_key; the owner cannot lift them", async () => {
    const key = await createKey(a, "owner", { name: "provider-limited", limits: LIMITS });
    const body = { rate_limits: [{ name: "default", limit: 1000, window: "10s" }] };
    for (const user of ["owner", "reader"] as const) {
      const res = await a.request("PUT", `/_security/api_key/${key.id}/_limits`, { auth: as(user), body });
      assertError(
        res,
        403,
        "security_exception",
        /^action \[cluster:admin\/xpack\/security\/api_key\/limits\] is unauthorized for user \[/,
      );
      const credits = await a.request("POST", `/_security/api_key/${key.id}/_credits`, { auth: as(user), body: { add: 5 } });
      assertError(credits, 403, "security_exception", /^action \[cluster:admin\/xpack\/security\/api_key\/credits\] is unauthorized/);
    }
    const asKey = await a.request("PUT", `/_security/api_key/${key.id}/_limits`, { auth: { apiKey: key.encoded }, body });
    assert.equal(asKey.status, 403);
    // The refused calls changed no setting (the balance itself moves: the key's own request was charged).
    const settings = ((await getKey(a, key.id)).limits as { rate_limits: Array<Record<string, unknown>> }).rate_limits;
    assert.deepEqual(
      settings.map(({ used: _used, window_start: _start, ...rest }) => rest),
      [
        { name: "default", limit: 100, window: "10s", auto_apply: true },
        { name: "exports", limit: 5, window: "1m", auto_apply: false },
      ],
    );
    assert.equal(((await getKey(a, key.id)).limits as any).rate_limits[0].limit, 100);

    const res = await a.request("PUT", `/_security/api_key/${key.id}/_limits`, { auth: as("manager"), body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, {
      id: key.id,
      limits: { rate_limits: [{ name: "default", limit: 1000, window: "10s", auto_apply: true }] },
    });
    assert.equal((await getKey(a, key.id)).limits !== undefined, true);

    const missing = await a.request("PUT", "/_security/api_key/no-such-key/_limits", { auth: as("manager"), body });
    assertError(missing, 404, "resource_not_found_exception", "no API key found for ID [no-such-key]");
    const invalid = await a.request("PUT", `/_security/api_key/${key.id}/_limits`, {
      auth: as("manager"),
      body: { rate_limits: [{ name: "x", limit: 1 }] },
    });
    assertError(invalid, 400, "action_request_validation_exception", /\[limits\.rate_limits\[0\]\.window\] must be a time value/);
  });

  it("_limits replaces and removes; _credits sets the balance or adds to it", async () => {
    const key = await createKey(a, "owner", { name: "credits", limits: { credits: { remaining: 10 } } });
    const manager = { auth: as("manager") };
    const noCredits = await createKey(a, "owner", { name: "no-credits" });
    assertError(
      await a.request("POST", `/_security/api_key/${noCredits.id}/_credits`, { ...manager, body: { add: 1 } }),
      400,
      "illegal_argument_exception",
      `API key [${noCredits.id}] has no credits; give it credits with [PUT /_security/api_key/${noCredits.id}/_limits]`,
    );
    assertError(
      await a.request("POST", `/_security/api_key/${key.id}/_credits`, { ...manager, body: { add: 1, remaining: 2 } }),
      400,
      "action_request_validation_exception",
      "Validation Failed: 1: exactly one of [remaining] and [add] must be given;",
    );
    assertError(
      await a.request("POST", `/_security/api_key/${key.id}/_credits`, { ...manager, body: { add: "1" } }),
      400,
      "x_content_parse_exception",
      "[api_key_credits] add doesn't support values of type: VALUE_STRING",
    );

    let res = await a.request("POST", `/_security/api_key/${key.id}/_credits`, { ...manager, body: { add: 15 } });
    assert.deepEqual(res.body, { id: key.id, credits: { remaining: 25, leased: 0 } });
    res = await a.request("POST", `/_security/api_key/${key.id}/_credits`, { ...manager, body: { remaining: 4 } });
    assert.deepEqual(res.body, { id: key.id, credits: { remaining: 4, leased: 0 } });
    assert.equal(((await getKey(a, key.id)).limits as any).credits.remaining, 4);

    // Credits held in instances' leases count towards a balance that is set.
    await a.core.models.apiKeys.updateOne({ _id: key.id }, { $set: { "limits.credits.leased": 3 } }).exec();
    res = await a.request("POST", `/_security/api_key/${key.id}/_credits`, { ...manager, body: { remaining: 10 } });
    assert.deepEqual(res.body, { id: key.id, credits: { remaining: 7, leased: 3 } });
    // _limits without `remaining` keeps the balance and the leases, and adds a refill.
    res = await a.request("PUT", `/_security/api_key/${key.id}/_limits`, {
      ...manager,
      body: { credits: { refill: { interval: "12h", amount: 20 } } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.limits.credits.remaining, 7);
    assert.equal(res.body.limits.credits.leased, 3);
    assert.equal(res.body.limits.credits.refill.interval, "12h");
    assert.equal(res.body.limits.credits.refill.amount, 20);

    // `{}` removes every limit: the key looks like any other again.
    res = await a.request("PUT", `/_security/api_key/${key.id}/_limits`, { ...manager, body: {} });
    assert.deepEqual(res.body, { id: key.id });
    assert.deepEqual(Object.keys(await getKey(a, key.id)).sort(), ES_FIELDS);
  });

  it("a change of limits reaches the other instance's cached key within 2 s", async () => {
    const key = await createKey(a, "owner", {
      name: "propagate-limits",
      limits: { rate_limits: [{ name: "default", limit: 5, window: "1s" }] },
    });
    const before = await b.request("GET", "/whoami-limits", { auth: { apiKey: key.encoded } });
    assert.equal(before.body.limits.rateLimits[0].limit, 5);
    const res = await a.request("PUT", `/_security/api_key/${key.id}/_limits`, {
      auth: as("manager"),
      body: { rate_limits: [{ name: "default", limit: 50, window: "1s" }] },
    });
    assert.equal(res.status, 200);
    const took = await eventually(async () => {
      const now = await b.request("GET", "/whoami-limits", { auth: { apiKey: key.encoded } });
      return now.body.limits?.rateLimits[0]?.limit === 50;
    }, 2000);
    assert.ok(took <= 2000);
  });

  it("disable on instance A: refused on B within 2 s (and on A at once); enable: accepted again", async () => {
    const key = await createKey(a, "owner", { name: "suspend" });
    for (const t of [a, b]) assert.equal((await authenticate(t, key.encoded)).status, 200);

    const res = await a.request("POST", `/_security/api_key/${key.id}/_disable`, { auth: as("manager") });
    assert.deepEqual(res.body, { id: key.id, enabled: false, updated: true });
    assertKeyRefused(await authenticate(a, key.encoded), `api key [${key.id}] is disabled`);
    const refusedAfter = await eventually(async () => (await authenticate(b, key.encoded)).status === 401, 2000);
    process.stdout.write(`# disabled key refused by the other instance after ${refusedAfter} ms\n`);
    assertKeyRefused(await authenticate(b, key.encoded), `api key [${key.id}] is disabled`);

    const info = await getKey(b, key.id);
    assert.equal(info.enabled, false);
    assert.equal(typeof info.disabled_at, "number");
    assert.equal(info.invalidated, false);
    const again = await a.request("POST", `/_security/api_key/${key.id}/_disable`, { auth: as("manager") });
    assert.deepEqual(again.body, { id: key.id, enabled: false, updated: false });

    // The owner may not undo a suspension by a manage_api_key user.
    assertError(
      await a.request("POST", `/_security/api_key/${key.id}/_enable`, { auth: as("owner") }),
      403,
      "security_exception",
      `API key [${key.id}] was disabled by a user with the [manage_api_key] privilege; only such a user can enable it`,
    );
    const enabled = await b.request("POST", `/_security/api_key/${key.id}/_enable`, { auth: as("manager") });
    assert.deepEqual(enabled.body, { id: key.id, enabled: true, updated: true });
    assert.equal((await authenticate(b, key.encoded)).status, 200);
    await eventually(async () => (await authenticate(a, key.encoded)).status === 200, 2000);
    const afterEnable = await getKey(a, key.id);
    assert.equal("enabled" in afterEnable, false);
    assert.equal("disabled_at" in afterEnable, false);
  });

  it("an owner disables and enables its own key; other users' keys are not found; read_security cannot", async () => {
    const key = await createKey(a, "owner", { name: "own-suspend" });
    const others = await a.request("POST", `/_security/api_key/${key.id}/_disable`, { auth: as("other") });
    assertError(others, 404, "resource_not_found_exception", `no API key owned by requesting user found for ID [${key.id}]`);
    const reader = await a.request("POST", `/_security/api_key/${key.id}/_disable`, { auth: as("reader") });
    assertError(reader, 403, "security_exception", /^action \[cluster:admin\/xpack\/security\/api_key\/disable\] is unauthorized/);
    const plain = await a.request("POST", `/_security/api_key/${key.id}/_enable`, { auth: as("plain") });
    assertError(plain, 403, "security_exception", /^action \[cluster:admin\/xpack\/security\/api_key\/enable\] is unauthorized/);

    let res = await a.request("POST", `/_security/api_key/${key.id}/_disable`, { auth: as("owner") });
    assert.deepEqual(res.body, { id: key.id, enabled: false, updated: true });
    assertKeyRefused(await authenticate(a, key.encoded), `api key [${key.id}] is disabled`);
    res = await a.request("PUT", `/_security/api_key/${key.id}/_enable`, { auth: as("owner") });
    assert.deepEqual(res.body, { id: key.id, enabled: true, updated: true });
    assert.equal((await authenticate(a, key.encoded)).status, 200);

    // An API key may disable itself (then it no longer authenticates, so it cannot enable itself).
    res = await a.request("POST", `/_security/api_key/${key.id}/_disable`, { auth: { apiKey: key.encoded } });
    assert.deepEqual(res.body, { id: key.id, enabled: false, updated: true });
    assertKeyRefused(await authenticate(a, key.encoded), `api key [${key.id}] is disabled`);
    // …and only itself.
    const sibling = await createKey(a, "owner", { name: "own-sibling" });
    const other = await a.request("POST", `/_security/api_key/${key.id}/_disable`, { auth: { apiKey: sibling.encoded } });
    assert.equal(other.status, 404);

    // Background work refuses a disabled key too.
    await assert.rejects(a.security.apiKeys.authenticationForKey(key.id), (error: { status?: number; metadata?: unknown }) => {
      assert.equal(error.status, 401);
      return true;
    });
    // Invalidated keys cannot be disabled or enabled.
    await a.request("DELETE", "/_security/api_key", { auth: as("owner"), body: { ids: [sibling.id], owner: true } });
    assertError(
      await a.request("POST", `/_security/api_key/${sibling.id}/_disable`, { auth: as("manager") }),
      400,
      "illegal_argument_exception",
      `cannot disable invalidated API key [${sibling.id}]`,
    );
  });

  it("Query finds keys by enabled (a key never disabled is enabled), disabled_at, the credit balance, and shows the settings", async () => {
    const tag = { metadata: { suite: "query-enabled" } };
    const on = await createKey(a, "owner", { name: "q-on", ...tag });
    const off = await createKey(a, "owner", { name: "q-off", ...tag, limits: { credits: { remaining: 9 } } });
    assert.equal((await a.request("POST", `/_security/api_key/${off.id}/_disable`, { auth: as("manager") })).status, 200);
    const query = async (clause: unknown) => {
      const res = await a.admin("POST", "/_security/_query/api_key", {
        query: { bool: { filter: [{ term: { "metadata.suite": "query-enabled" } }, clause] } },
        sort: ["name"],
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.api_keys as Array<Record<string, unknown>>;
    };
    assert.deepEqual(
      (await query({ term: { enabled: true } })).map((k) => k.id),
      [on.id],
    );
    assert.deepEqual(
      (await query({ term: { enabled: false } })).map((k) => k.id),
      [off.id],
    );
    assert.deepEqual((await query({ terms: { enabled: [true, false] } })).map((k) => k.id).sort(), [off.id, on.id].sort());
    assert.deepEqual(
      (await query({ range: { disabled_at: { gte: "now-1h" } } })).map((k) => k.id),
      [off.id],
    );
    assert.deepEqual(
      (await query({ exists: { field: "disabled_at" } })).map((k) => k.id),
      [off.id],
    );
    const [offInfo] = await query({ term: { enabled: false } });
    assert.deepEqual(offInfo?.limits, { rate_limits: [], credits: { remaining: 9, leased: 0 } });
    assert.equal(offInfo?.enabled, false);
    const [onInfo] = await query({ term: { enabled: true } });
    assert.deepEqual(Object.keys(onInfo ?? {}).sort(), [...ES_FIELDS, "_sort"].sort());

    // The balance is a long field: term, range (numbers or numeric strings), sort.
    const rich = await createKey(a, "owner", { name: "q-rich", ...tag, limits: { credits: { remaining: 500 } } });
    assert.deepEqual(
      (await query({ term: { "limits.credits.remaining": 9 } })).map((k) => k.id),
      [off.id],
    );
    assert.deepEqual(
      (await query({ range: { "limits.credits.remaining": { gt: "9" } } })).map((k) => k.id),
      [rich.id],
    );
    assert.deepEqual(
      (await query({ range: { "limits.credits.remaining": { gte: 0, lte: 1000 } } })).map((k) => k.id),
      [off.id, rich.id],
    );
    assert.deepEqual((await query({ exists: { field: "limits.credits.remaining" } })).length, 2);
    const sorted = await a.admin("POST", "/_security/_query/api_key", {
      query: { term: { "metadata.suite": "query-enabled" } },
      sort: [{ "limits.credits.remaining": { order: "desc" } }, "name"],
    });
    assert.deepEqual(
      sorted.body.api_keys.map((k: { id: string; _sort: unknown[] }) => [k.id, k._sort[0]]),
      [
        [rich.id, 500],
        [off.id, 9],
        [on.id, -9223372036854775808],
      ],
    );
    const bad = await a.admin("POST", "/_security/_query/api_key", { query: { term: { "limits.credits.remaining": "many" } } });
    assertError(bad, 400, "illegal_argument_exception", 'For input string: "many"');

    // The owner's own query (manage_own_api_key) sees the same settings of its keys.
    const own = await a.request("POST", "/_security/_query/api_key", {
      auth: as("owner"),
      body: { query: { ids: { values: [off.id] } } },
    });
    assert.equal(own.body.api_keys[0].enabled, false);
  });

  it("the programmatic API does the same", async () => {
    const manager = await a.security.apiKeys.authenticationForKey((await createKey(a, "manager", { name: "manager-key" })).id);
    const key = await createKey(a, "owner", { name: "programmatic" });
    const set = await a.security.apiKeys.setLimits(manager, key.id, { credits: { remaining: 2 } });
    assert.deepEqual(set.limits, { rate_limits: [], credits: { remaining: 2, leased: 0 } });
    assert.deepEqual(await a.security.apiKeys.addCredits(manager, key.id, 3), { id: key.id, credits: { remaining: 5, leased: 0 } });
    assert.deepEqual(await a.security.apiKeys.setCredits(manager, key.id, 1), { id: key.id, credits: { remaining: 1, leased: 0 } });
    assert.deepEqual(await a.security.apiKeys.disable(manager, key.id), { id: key.id, enabled: false, updated: true });
    assert.equal((await authenticate(a, key.encoded)).status, 401);
    assert.deepEqual(await a.security.apiKeys.enable(manager, key.id), { id: key.id, enabled: true, updated: true });
    assert.equal((await authenticate(a, key.encoded)).status, 200);
  });

  it("audits disable, enable, limits and credits changes", async () => {
    const events: Array<Record<string, unknown>> = [];
    const t = await startTestApp("ak_limits", { ...FAST, audit: (event) => void events.push(event as never) }, undefined, db);
    try {
      const key = await createKey(t, "owner", { name: "audited", limits: { credits: { remaining: 1 } } });
      await t.request("POST", `/_security/api_key/${key.id}/_disable`, { auth: as("owner") });
      await t.request("POST", `/_security/api_key/${key.id}/_enable`, { auth: as("owner") });
      await t.request("PUT", `/_security/api_key/${key.id}/_limits`, { auth: as("manager"), body: {} });
      const types = events.filter((e) => Array.isArray(e.ids) && (e.ids as string[]).includes(key.id)).map((e) => e.type);
      assert.deepEqual(types, ["api_key_create", "api_key_disable", "api_key_enable", "api_key_limits"]);
      const disable = events.find((e) => e.type === "api_key_disable") as Record<string, any>;
      assert.equal(disable.caller.username, "owner");
      assert.deepEqual(disable.owner, { username: "owner", realm: "native" });
    } finally {
      await t.close();
    }
  });
});
