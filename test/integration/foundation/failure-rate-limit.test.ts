import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { after, before, describe, it } from "node:test";
import express from "express";
import type { SecurityCore } from "../../../lib/security-core.js";
import { ADMIN_PASSWORD, basic, startTestApp, type HttpResult, type RequestOptions, type TestApp } from "../../support/test-app.js";
import { openTestDatabase } from "../../support/test-database.js";

// The failed-authentication limit on every path that checks a credential: the Authorization
// header (Basic, ApiKey, Bearer), es-secondary-authorization, a guard that authenticates by
// itself, and the credentials in the bodies of the token and grant endpoints. Failures count per
// (client address, claimed principal): over the limit only that pair is refused. Each scenario is
// its own client (X-Forwarded-For behind a trusted loopback proxy), so one app serves them all.

const LIMIT = 3;
const WINDOW_SECONDS = 60;

/** Counts bcrypt verifications (the password checks a guesser pays for) of one security instance. */
function spyOnPasswordChecks(core: SecurityCore): { readonly calls: number; readonly maxInFlight: number } {
  const hasher = core.hasher;
  const verify = hasher.verify.bind(hasher);
  const counts = { calls: 0, maxInFlight: 0, inFlight: 0 };
  hasher.verify = async (password: string, hash: string) => {
    counts.calls++;
    counts.inFlight++;
    counts.maxInFlight = Math.max(counts.maxInFlight, counts.inFlight);
    try {
      return await verify(password, hash);
    } finally {
      counts.inFlight--;
    }
  };
  return counts;
}

function trustLoopbackProxy(app: express.Express): void {
  app.set("trust proxy", "loopback");
}

/** 429, Retry-After in whole seconds within the window, Elasticsearch's error body, no challenge. */
function assertRateLimited(res: HttpResult, what: string): void {
  assert.equal(res.status, 429, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  const retryAfter = res.headers.get("retry-after") ?? "";
  assert.match(retryAfter, /^\d+$/, `${what}: Retry-After in seconds`);
  assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= WINDOW_SECONDS, `${what}: Retry-After ${retryAfter}`);
  assert.equal(res.headers.get("www-authenticate"), null, `${what}: a 429 is not a challenge`);
  assert.equal(res.headers.get("x-elastic-product"), "Elasticsearch");
  assert.equal(res.body.status, 429);
  assert.equal(res.body.error.type, "status_exception");
  assert.equal(res.body.error.root_cause[0].type, "status_exception");
  assert.match(res.body.error.reason, /^too many failed authentication attempts; retry later$/);
  assert.equal(res.body.error.root_cause[0].reason, res.body.error.reason);
}

/**
 * Failures count in fixed windows (`floor(now / window)`, shared by every instance): a scenario
 * that straddled a window's end would see its count start over. Start each one well inside a window.
 */
async function awayFromWindowEdge(): Promise<void> {
  const windowMs = WINDOW_SECONDS * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < 5_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe("failed-authentication limit: 429 with Retry-After on every credential path", () => {
  let t: TestApp;
  let guardServer: Server;
  let guardUrl = "";
  let apiKey = "";
  let apiKeyEncoded = "";
  let checks: ReturnType<typeof spyOnPasswordChecks>;
  let nextClient = 1;
  const newClient = () => `10.9.0.${nextClient++}`;

  before(async () => {
    t = await startTestApp("ratelimit_paths", { failureRateLimit: { limit: LIMIT, window: `${WINDOW_SECONDS}s` } }, trustLoopbackProxy);
    // Set-up comes from its own client address, so it never spends a scenario's budget.
    const setup = { "x-forwarded-for": "10.9.255.1" };
    const admin = (method: string, path: string, body?: unknown) =>
      t.request(method, path, {
        auth: { user: "elastic", password: ADMIN_PASSWORD },
        headers: setup,
        ...(body !== undefined ? { body } : {}),
      });
    for (const [name, body] of Object.entries({
      client: { cluster: ["manage_token", "grant_api_key"] },
      own_keys: { cluster: ["manage_own_api_key"] },
      reader: { cluster: ["monitor"] },
    })) {
      assert.equal((await admin("PUT", `/_security/role/${name}`, body)).status, 200);
    }
    for (const [user, roles] of Object.entries({ client: ["client"], alice: ["own_keys"], reader: ["reader"] })) {
      assert.equal((await admin("PUT", `/_security/user/${user}`, { password: `${user}-pass`, roles })).status, 200);
    }
    const key = await t.request("POST", "/_security/api_key", {
      auth: { user: "alice", password: "alice-pass" },
      headers: setup,
      body: { name: "alice-key" },
    });
    assert.equal(key.status, 200, JSON.stringify(key.body));
    apiKey = key.body.id as string;
    apiKeyEncoded = key.body.encoded as string;
    // Warm the caller's credential, as a real client's would be: its check costs no bcrypt.
    assert.equal(
      (await t.request("GET", "/_security/_authenticate", { auth: { user: "client", password: "client-pass" }, headers: setup })).status,
      200,
    );

    // A host route guarded without authenticate() in front: the guard authenticates by itself.
    const guarded = express();
    trustLoopbackProxy(guarded);
    guarded.get("/reports", t.security.requirePrivileges({ cluster: ["monitor"] }), (_req, res) => {
      res.json({ ok: true });
    });
    guardServer = await new Promise<Server>((resolve) => {
      const s = guarded.listen(0, "127.0.0.1", () => resolve(s));
    });
    guardUrl = `http://127.0.0.1:${(guardServer.address() as AddressInfo).port}`;
    checks = spyOnPasswordChecks(t.core);
  });

  after(async () => {
    guardServer.closeAllConnections();
    await new Promise<void>((resolve) => guardServer.close(() => resolve()));
    await t.close();
  });

  const from = (client: string, options: RequestOptions = {}): RequestOptions => ({
    ...options,
    headers: { ...options.headers, "x-forwarded-for": client },
  });
  const wrongApiKey = () => `ApiKey ${Buffer.from(`${apiKey}:not-the-secret-00000000`).toString("base64")}`;
  const caller = { user: "client", password: "client-pass" };

  interface Scenario {
    name: string;
    /** One attempt with a wrong credential and the status it gets while under the limit. */
    fail: (client: string) => Promise<HttpResult>;
    failStatus: number;
    /** The same principal with its right credential, when it has one (a made-up token has none). */
    sameRight?: (client: string) => Promise<HttpResult>;
    /** Another principal of the same kind, with its right credential. */
    other: (client: string) => Promise<HttpResult>;
  }

  const authenticate = (client: string, options: RequestOptions) => t.request("GET", "/_security/_authenticate", from(client, options));
  const guardRequest = async (client: string, authorization: string): Promise<HttpResult> => {
    const res = await fetch(`${guardUrl}/reports`, { headers: { authorization, "x-forwarded-for": client } });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };
  const scenarios: Scenario[] = [
    {
      name: "Authorization: Basic",
      fail: (c) => authenticate(c, { auth: { user: "alice", password: "wrong-password" } }),
      failStatus: 401,
      sameRight: (c) => authenticate(c, { auth: { user: "alice", password: "alice-pass" } }),
      other: (c) => authenticate(c, { auth: { user: "reader", password: "reader-pass" } }),
    },
    {
      name: "Authorization: ApiKey",
      fail: (c) => authenticate(c, { auth: wrongApiKey() }),
      failStatus: 401,
      sameRight: (c) => authenticate(c, { auth: { apiKey: apiKeyEncoded } }),
      other: (c) => authenticate(c, { auth: { user: "alice", password: "alice-pass" } }),
    },
    {
      name: "Authorization: Bearer",
      fail: (c) => authenticate(c, { auth: "Bearer not-a-token-this-library-issued" }),
      failStatus: 401,
      other: (c) => authenticate(c, { auth: caller }),
    },
    {
      name: "es-secondary-authorization",
      fail: (c) => authenticate(c, { auth: caller, headers: { "es-secondary-authorization": basic("alice", "wrong-password") } }),
      failStatus: 401,
      sameRight: (c) => authenticate(c, { auth: caller, headers: { "es-secondary-authorization": basic("alice", "alice-pass") } }),
      other: (c) => authenticate(c, { auth: caller, headers: { "es-secondary-authorization": basic("reader", "reader-pass") } }),
    },
    {
      name: "POST /_security/oauth2/token grant_type password",
      fail: (c) =>
        t.request(
          "POST",
          "/_security/oauth2/token",
          from(c, { auth: caller, body: { grant_type: "password", username: "alice", password: "wrong-password" } }),
        ),
      failStatus: 401,
      sameRight: (c) =>
        t.request(
          "POST",
          "/_security/oauth2/token",
          from(c, { auth: caller, body: { grant_type: "password", username: "alice", password: "alice-pass" } }),
        ),
      other: (c) =>
        t.request(
          "POST",
          "/_security/oauth2/token",
          from(c, { auth: caller, body: { grant_type: "password", username: "reader", password: "reader-pass" } }),
        ),
    },
    {
      name: "POST /_security/oauth2/token grant_type refresh_token",
      fail: (c) =>
        t.request(
          "POST",
          "/_security/oauth2/token",
          from(c, { auth: caller, body: { grant_type: "refresh_token", refresh_token: "A".repeat(43) } }),
        ),
      failStatus: 400,
      other: (c) => t.request("POST", "/_security/oauth2/token", from(c, { auth: caller, body: { grant_type: "client_credentials" } })),
    },
    {
      name: "POST /_security/api_key/grant grant_type password",
      fail: (c) =>
        t.request(
          "POST",
          "/_security/api_key/grant",
          from(c, {
            auth: caller,
            body: { grant_type: "password", username: "alice", password: "wrong-password", api_key: { name: "g" } },
          }),
        ),
      failStatus: 401,
      sameRight: (c) =>
        t.request(
          "POST",
          "/_security/api_key/grant",
          from(c, { auth: caller, body: { grant_type: "password", username: "alice", password: "alice-pass", api_key: { name: "g" } } }),
        ),
      other: (c) =>
        t.request(
          "POST",
          "/_security/api_key/grant",
          from(c, { auth: caller, body: { grant_type: "password", username: "reader", password: "reader-pass", api_key: { name: "g" } } }),
        ),
    },
    {
      name: "POST /_security/api_key/grant grant_type access_token",
      fail: (c) =>
        t.request(
          "POST",
          "/_security/api_key/grant",
          from(c, {
            auth: caller,
            body: { grant_type: "access_token", access_token: "not-a-token-this-library-issued", api_key: { name: "g" } },
          }),
        ),
      failStatus: 401,
      other: (c) =>
        t.request(
          "POST",
          "/_security/api_key/grant",
          from(c, { auth: caller, body: { grant_type: "password", username: "alice", password: "alice-pass", api_key: { name: "g" } } }),
        ),
    },
    {
      name: "requirePrivileges authenticating by itself",
      fail: (c) => guardRequest(c, basic("reader", "wrong-password")),
      failStatus: 401,
      sameRight: (c) => guardRequest(c, basic("reader", "reader-pass")),
      other: (c) => guardRequest(c, basic("elastic", ADMIN_PASSWORD)),
    },
  ];

  for (const scenario of scenarios) {
    it(`${scenario.name}: ${LIMIT} failures answered as usual, then 429 for that (address, principal) pair only`, async () => {
      await awayFromWindowEdge();
      const client = newClient();
      // Success never counts: a client may succeed any number of times.
      for (let i = 0; i < 2; i++) assert.ok((await scenario.other(client)).status < 300, "success before any failure");
      for (let i = 0; i < LIMIT; i++) {
        const res = await scenario.fail(client);
        assert.equal(res.status, scenario.failStatus, `failure ${i + 1}: ${JSON.stringify(res.body)}`);
      }
      const before = checks.calls;
      assertRateLimited(await scenario.fail(client), `${scenario.name}, attempt ${LIMIT + 1}`);
      // Once the pair is limited, even its right credential waits: the point is to stop guessing.
      if (scenario.sameRight) assertRateLimited(await scenario.sameRight(client), `${scenario.name}, right credential`);
      assert.equal(checks.calls, before, "a limited pair gets no password check");
      // Another principal from the same address is not affected, nor the same principal elsewhere.
      const other = await scenario.other(client);
      assert.ok(other.status < 300, `another principal from the same address: ${other.status} ${JSON.stringify(other.body)}`);
      if (scenario.sameRight) {
        const elsewhere = await scenario.sameRight(newClient());
        assert.ok(elsewhere.status < 300, `the same principal from another address: ${elsewhere.status}`);
      } else {
        assert.equal((await scenario.fail(newClient())).status, scenario.failStatus, "the same credential from another address is checked");
      }
    });
  }

  it("a password and the password grants of one username add up to one count per (address, username)", async () => {
    await awayFromWindowEdge();
    const client = newClient();
    const [basicPath, , , , tokenPassword, , grantPassword] = scenarios as [
      Scenario,
      Scenario,
      Scenario,
      Scenario,
      Scenario,
      Scenario,
      Scenario,
    ];
    assert.equal((await basicPath.fail(client)).status, 401);
    assert.equal((await tokenPassword.fail(client)).status, 401);
    assert.equal((await grantPassword.fail(client)).status, 401);
    // alice's password is cached by now: even so, her pair is refused (a cache hit must not tell a right guess apart).
    assertRateLimited(await (basicPath.sameRight as Scenario["fail"])(client), "after three failures of three kinds");
    assert.equal((await basicPath.other(client)).status, 200, "another user from the same address");
  });

  it("a success that needed a check resets the pair's consecutive failures", async () => {
    await awayFromWindowEdge();
    const client = newClient();
    const fresh = { user: "fresh", password: "fresh-pass" };
    const setup = { "x-forwarded-for": "10.9.255.1" };
    assert.equal(
      (
        await t.request("PUT", "/_security/user/fresh", {
          auth: { user: "elastic", password: ADMIN_PASSWORD },
          headers: setup,
          body: { password: fresh.password, roles: [] },
        })
      ).status,
      200,
    );
    const wrong = () => authenticate(client, { auth: { user: "fresh", password: "wrong-password" } });
    for (let i = 0; i < LIMIT - 1; i++) assert.equal((await wrong()).status, 401);
    // First verification of this password: a real check, which resets the count.
    assert.equal((await authenticate(client, { auth: fresh })).status, 200);
    for (let i = 0; i < LIMIT; i++) assert.equal((await wrong()).status, 401, `failure ${i + 1} after the success`);
    assertRateLimited(await wrong(), "limit reached again");
  });

  it("a 403 is not a failed authentication: it keeps Elasticsearch's reason and never turns into a 429", async () => {
    const client = newClient();
    for (let i = 0; i < LIMIT + 2; i++) {
      const res = await t.request(
        "PUT",
        "/_security/user/someone",
        from(client, { auth: { user: "reader", password: "reader-pass" }, body: { password: "someone-pass" } }),
      );
      assert.equal(res.status, 403);
      assert.equal(res.body.error.type, "security_exception");
      assert.equal(
        res.body.error.reason,
        "action [cluster:admin/xpack/security/user/put] is unauthorized for user [reader] with effective roles [reader], this action is granted by the cluster privileges [manage_security,all]",
      );
    }
    // The same holds for a refused grant: the caller lacks the privilege, no credential was wrong.
    const grant = await t.request(
      "POST",
      "/_security/oauth2/token",
      from(client, {
        auth: { user: "reader", password: "reader-pass" },
        body: { grant_type: "password", username: "alice", password: "wrong-password" },
      }),
    );
    assert.equal(grant.status, 403);
    assert.equal(
      grant.body.error.reason,
      "action [cluster:admin/xpack/security/token/create] is unauthorized for user [reader] with effective roles [reader], this action is granted by the cluster privileges [manage_token,manage_security,all]",
    );
    assert.equal((await authenticate(client, { auth: { user: "reader", password: "reader-pass" } })).status, 200);
  });
});

describe("failed-authentication limit: parallel bursts", () => {
  const BURST = 20;
  const BURST_LIMIT = 5;

  it(`${BURST} parallel wrong passwords against limit ${BURST_LIMIT}: at most ${BURST_LIMIT} password checks run, the rest 429`, async () => {
    await awayFromWindowEdge();
    // bcrypt cost 8 (~15 ms a check on one worker): the burst is all in flight before the first check ends.
    const t = await startTestApp(
      "ratelimit_burst",
      { passwordHashCost: 8, failureRateLimit: { limit: BURST_LIMIT, window: "1m" } },
      trustLoopbackProxy,
    );
    try {
      const setup = { "x-forwarded-for": "10.8.255.1" };
      await t.request("PUT", "/_security/role/client", {
        auth: { user: "elastic", password: ADMIN_PASSWORD },
        headers: setup,
        body: { cluster: ["manage_token", "grant_api_key"] },
      });
      for (const user of ["client", "alice", "bob"]) {
        const res = await t.request("PUT", `/_security/user/${user}`, {
          auth: { user: "elastic", password: ADMIN_PASSWORD },
          headers: setup,
          body: { password: `${user}-pass`, roles: user === "client" ? ["client"] : [] },
        });
        assert.equal(res.status, 200);
      }
      assert.equal(
        (await t.request("GET", "/_security/_authenticate", { auth: { user: "client", password: "client-pass" }, headers: setup })).status,
        200,
      );
      const checks = spyOnPasswordChecks(t.core);
      const caller = { user: "client", password: "client-pass" };
      const bursts: Array<[string, (client: string) => Promise<HttpResult>]> = [
        [
          "Basic",
          (c) =>
            t.request("GET", "/_security/_authenticate", {
              auth: { user: "alice", password: "wrong-password" },
              headers: { "x-forwarded-for": c },
            }),
        ],
        [
          "oauth2/token password",
          (c) =>
            t.request("POST", "/_security/oauth2/token", {
              auth: caller,
              headers: { "x-forwarded-for": c },
              body: { grant_type: "password", username: "alice", password: "wrong-password" },
            }),
        ],
        [
          "api_key/grant password",
          (c) =>
            t.request("POST", "/_security/api_key/grant", {
              auth: caller,
              headers: { "x-forwarded-for": c },
              body: { grant_type: "password", username: "alice", password: "wrong-password", api_key: { name: "g" } },
            }),
        ],
      ];
      for (const [index, [name, attempt]] of bursts.entries()) {
        const client = `10.8.0.${index + 1}`;
        const before = checks.calls;
        const results = await Promise.all(Array.from({ length: BURST }, () => attempt(client)));
        const ran = checks.calls - before;
        const statuses = results.map((r) => r.status);
        const unauthorized = statuses.filter((s) => s === 401).length;
        assert.equal(unauthorized + statuses.filter((s) => s === 429).length, BURST, `${name}: ${statuses.join(",")}`);
        assert.ok(ran <= BURST_LIMIT, `${name}: ${ran} password checks ran for ${BURST} parallel guesses (limit ${BURST_LIMIT})`);
        assert.equal(unauthorized, BURST_LIMIT, `${name}: the first ${BURST_LIMIT} guesses are answered 401`);
        for (const res of results.filter((r) => r.status === 429)) assertRateLimited(res, name);
        process.stdout.write(
          `# burst ${name}: ${BURST} parallel wrong passwords, limit ${BURST_LIMIT}: ${ran} bcrypt checks ran (at most ${checks.maxInFlight} at once), ${unauthorized} answered 401, ${BURST - unauthorized} answered 429\n`,
        );
      }

      // A burst of right credentials is never refused: checks beyond the limit wait for a slot.
      const good = await Promise.all(
        Array.from({ length: BURST }, () =>
          t.request("GET", "/_security/_authenticate", {
            auth: { user: "bob", password: "bob-pass" },
            headers: { "x-forwarded-for": "10.8.1.1" },
          }),
        ),
      );
      assert.deepEqual(
        good.map((r) => r.status),
        Array.from({ length: BURST }, () => 200),
      );
    } finally {
      await t.close();
    }
  });

  it(`${BURST} parallel wrong passwords for ${BURST} users from one address against an address ceiling of ${BURST_LIMIT}: at most ${BURST_LIMIT} password checks run`, async () => {
    await awayFromWindowEdge();
    const t = await startTestApp(
      "ratelimit_burst_address",
      { passwordHashCost: 8, failureRateLimit: { limit: BURST_LIMIT, window: "1m", address: { limit: BURST_LIMIT } } },
      trustLoopbackProxy,
    );
    try {
      const setup = { "x-forwarded-for": "10.7.255.1" };
      for (let i = 0; i < BURST; i++) {
        const res = await t.request("PUT", `/_security/user/user${i}`, {
          auth: { user: "elastic", password: ADMIN_PASSWORD },
          headers: setup,
          body: { password: `user${i}-pass`, roles: [] },
        });
        assert.equal(res.status, 200);
      }
      const checks = spyOnPasswordChecks(t.core);
      const client = "10.7.0.1";
      const results = await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          t.request("GET", "/_security/_authenticate", {
            auth: { user: `user${i}`, password: "wrong-password" },
            headers: { "x-forwarded-for": client },
          }),
        ),
      );
      const unauthorized = results.filter((r) => r.status === 401).length;
      assert.equal(unauthorized + results.filter((r) => r.status === 429).length, BURST);
      assert.ok(
        checks.calls <= BURST_LIMIT,
        `${checks.calls} password checks ran for ${BURST} parallel guesses of ${BURST} users (ceiling ${BURST_LIMIT})`,
      );
      assert.equal(unauthorized, BURST_LIMIT);
      process.stdout.write(
        `# burst over ${BURST} users from one address, ceiling ${BURST_LIMIT}: ${checks.calls} bcrypt checks ran (at most ${checks.maxInFlight} at once), ${unauthorized} answered 401\n`,
      );
      // The address is over its ceiling: a user never verified waits, from that address only.
      assert.equal(
        (
          await t.request("GET", "/_security/_authenticate", {
            auth: { user: "user0", password: "user0-pass" },
            headers: { "x-forwarded-for": client },
          })
        ).status,
        429,
      );
      assert.equal(
        (
          await t.request("GET", "/_security/_authenticate", {
            auth: { user: "user0", password: "user0-pass" },
            headers: { "x-forwarded-for": "10.7.0.2" },
          })
        ).status,
        200,
      );
    } finally {
      await t.close();
    }
  });

  it("across two instances a burst can run at most limit checks on each; the shared count still decides the 401s", async () => {
    await awayFromWindowEdge();
    const db = await openTestDatabase("ratelimit_burst2");
    const options = { passwordHashCost: 8, failureRateLimit: { limit: BURST_LIMIT, window: "1m" } };
    const a = await startTestApp("ratelimit_burst2", options, undefined, db);
    const b = await startTestApp("ratelimit_burst2", options, undefined, db);
    try {
      const checksA = spyOnPasswordChecks(a.core);
      const checksB = spyOnPasswordChecks(b.core);
      const bad = { auth: { user: "elastic", password: "wrong-password" } };
      const results = await Promise.all(
        Array.from({ length: BURST }, (_, i) => (i % 2 === 0 ? a : b).request("GET", "/_security/_authenticate", bad)),
      );
      const ran = checksA.calls + checksB.calls;
      const unauthorized = results.filter((r) => r.status === 401).length;
      assert.equal(unauthorized + results.filter((r) => r.status === 429).length, BURST);
      assert.ok(checksA.calls <= BURST_LIMIT && checksB.calls <= BURST_LIMIT, `${checksA.calls} + ${checksB.calls} checks`);
      assert.ok(unauthorized <= BURST_LIMIT, `${unauthorized} answered 401`);
      process.stdout.write(
        `# burst over 2 instances: ${BURST} parallel wrong passwords, limit ${BURST_LIMIT}: ${ran} bcrypt checks ran (${checksA.calls} + ${checksB.calls}), ${unauthorized} answered 401\n`,
      );
      for (const app of [a, b])
        assert.equal(
          (await app.request("GET", "/_security/_authenticate", { auth: { user: "elastic", password: ADMIN_PASSWORD } })).status,
          429,
        );
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });

  it("waiting for a check slot counts within storeTimeout: a stalled check never makes the next ones wait longer", async () => {
    const STORE_TIMEOUT_MS = 400;
    // A realm that stalls for one user, as a realm waiting on an unreachable service would.
    const stalling = {
      name: "stalling",
      type: "custom",
      async authenticate(input: { credentials?: { username: string } }) {
        if (input.credentials?.username === "slowpoke") await new Promise((resolve) => setTimeout(resolve, 1500));
        return null;
      },
    };
    const t = await startTestApp("ratelimit_wait", {
      storeTimeout: `${STORE_TIMEOUT_MS}ms`,
      realms: [stalling],
      failureRateLimit: { limit: 1, window: "1m" },
    });
    try {
      const started = Date.now();
      // Limit 1: one check of this client runs, the other two wait for its slot.
      const results = await Promise.all(
        Array.from({ length: 3 }, async () => {
          const res = await t.request("GET", "/_security/_authenticate", { auth: { user: "slowpoke", password: "any-password" } });
          return { status: res.status, ms: Date.now() - started };
        }),
      );
      for (const r of results) {
        assert.equal(r.status, 503);
        assert.ok(r.ms < STORE_TIMEOUT_MS + 300, `answered after ${r.ms} ms (storeTimeout ${STORE_TIMEOUT_MS} ms)`);
      }
      // A 503 is not a failed authentication: the client is not limited.
      assert.equal(
        (await t.request("GET", "/_security/_authenticate", { auth: { user: "elastic", password: ADMIN_PASSWORD } })).status,
        200,
      );
    } finally {
      await t.close();
    }
  });

  it("the block lifts when the window ends", async () => {
    const t = await startTestApp("ratelimit_window", { failureRateLimit: { limit: 1, window: "1s" } });
    try {
      const bad = { auth: { user: "elastic", password: "wrong-password" } };
      // Start at the beginning of a window so the two attempts fall in the same one.
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
      assert.equal((await t.request("GET", "/_security/_authenticate", bad)).status, 401);
      const limited = await t.request("GET", "/_security/_authenticate", bad);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get("retry-after"), "1");
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
      assert.equal(
        (await t.request("GET", "/_security/_authenticate", { auth: { user: "elastic", password: ADMIN_PASSWORD } })).status,
        200,
      );
    } finally {
      await t.close();
    }
  });
});
