import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type express from "express";
import { ADMIN_PASSWORD, basic, startTestApp, type HttpResult, type TestApp } from "../../support/test-app.js";

// One bad client must not lock out the valid users behind its address (a reverse proxy, a NAT, a
// Kubernetes node): failures count per (address, claimed principal), and the per-address ceiling
// against spraying never refuses a credential this instance has already verified. Addresses A and
// B are X-Forwarded-For values behind a trusted loopback proxy.

const A = "10.20.0.1";
const B = "10.20.0.2";

function trustLoopbackProxy(app: express.Express): void {
  app.set("trust proxy", "loopback");
}

function assertRetryAfter(res: HttpResult, what: string): void {
  assert.equal(res.status, 429, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.match(res.headers.get("retry-after") ?? "", /^[1-9]\d*$/, `${what}: Retry-After in whole seconds`);
  assert.equal(res.body.error.type, "status_exception");
}

/** Runs `attempts` with at most `parallel` in flight; their results in order. */
async function inParallel<T>(attempts: Array<() => Promise<T>>, parallel: number): Promise<T[]> {
  const results: T[] = new Array<T>(attempts.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < attempts.length) {
        const index = next++;
        results[index] = await (attempts[index] as () => Promise<T>)();
      }
    }),
  );
  return results;
}

async function createUser(t: TestApp, username: string, roles: string[]): Promise<void> {
  const res = await t.request("PUT", `/_security/user/${username}`, {
    auth: { user: "elastic", password: ADMIN_PASSWORD },
    headers: { "x-forwarded-for": "10.20.255.1" },
    body: { password: `${username}-pass`, roles },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

describe("failed-authentication limit keyed on what is being guessed", () => {
  it("2,000 wrong credentials over 500 usernames and 500 API key ids from A: the admin verified before still gets 200 from A, elastic gets 200 from B", async () => {
    // Default limits: 10 consecutive failures per pair, 200 per address, 15-minute windows.
    const t = await startTestApp("ratelimit_spray", {}, trustLoopbackProxy);
    try {
      await createUser(t, "admin", ["superuser"]);
      await createUser(t, "ops", []);
      const authenticate = (client: string, authorization: string) =>
        t.request("GET", "/_security/_authenticate", { auth: authorization, headers: { "x-forwarded-for": client } });
      assert.equal((await authenticate(A, basic("admin", "admin-pass"))).status, 200, "the admin is verified once before the attack");

      const started = Date.now();
      const attempts = Array.from({ length: 2000 }, (_, i) => () => {
        const n = Math.floor(i / 2) % 500;
        const credential =
          i % 2 === 0
            ? basic(`user-${n}`, `guess-${i}`)
            : `ApiKey ${Buffer.from(`made-up-key-id-${String(n).padStart(5, "0")}:guess-${i}`).toString("base64")}`;
        return authenticate(A, credential);
      });
      const results = await inParallel(attempts, 16);
      const elapsed = Date.now() - started;
      const unauthorized = results.filter((r) => r.status === 401).length;
      const limited = results.filter((r) => r.status === 429);
      assert.equal(unauthorized + limited.length, 2000, `statuses: ${[...new Set(results.map((r) => r.status))].join(",")}`);
      // Check slots hold the address to its ceiling exactly: 200 checks ran, the rest waited out the window.
      assert.equal(unauthorized, 200, `${unauthorized} wrong credentials were checked (ceiling 200)`);
      for (const res of limited) assertRetryAfter(res, "a refused guess");
      process.stdout.write(
        `# spray from one address: 2000 wrong credentials (1000 passwords over 500 usernames, 1000 over 500 API key ids) in ${elapsed} ms: ${unauthorized} answered 401, ${limited.length} answered 429\n`,
      );

      const admin = await authenticate(A, basic("admin", "admin-pass"));
      assert.equal(admin.status, 200, `the admin from A: ${JSON.stringify(admin.body)}`);
      assert.equal(admin.body.username, "admin");
      // A credential this instance never verified waits out the window when it comes from A…
      assertRetryAfter(await authenticate(A, basic("ops", "ops-pass")), "a new credential from A");
      // …and is checked as usual from anywhere else.
      assert.equal((await authenticate(B, basic("elastic", ADMIN_PASSWORD))).status, 200, "elastic from B");
      assert.equal((await authenticate(B, basic("ops", "ops-pass"))).status, 200, "a never-verified user from B");
    } finally {
      await t.close();
    }
  });

  it("with the default limits, 50 wrong passwords for ann from A: ann gets 429 from A only, bob still gets 200 from A", async () => {
    const t = await startTestApp("ratelimit_ann", {}, trustLoopbackProxy);
    try {
      await createUser(t, "ann", []);
      await createUser(t, "bob", []);
      const authenticate = (client: string, user: string, password: string) =>
        t.request("GET", "/_security/_authenticate", { auth: { user, password }, headers: { "x-forwarded-for": client } });
      const statuses: number[] = [];
      for (let i = 0; i < 50; i++) {
        const res = await authenticate(A, "ann", `wrong-${i}`);
        statuses.push(res.status);
        if (res.status === 429) assertRetryAfter(res, `wrong password ${i + 1}`);
      }
      assert.deepEqual(
        statuses.slice(0, 10),
        Array.from({ length: 10 }, () => 401),
        "the first 10 (the default limit) are checked",
      );
      assert.deepEqual(
        statuses.slice(10),
        Array.from({ length: 40 }, () => 429),
        "the rest are refused",
      );
      assertRetryAfter(await authenticate(A, "ann", "ann-pass"), "ann with the right password from A");
      assert.equal((await authenticate(B, "ann", "ann-pass")).status, 200, "ann with the right password from B");
      assert.equal((await authenticate(A, "bob", "bob-pass")).status, 200, "bob with the right password from A");

      // The cached path stays synchronous with a pair of this very address blocked: bob (verified)
      // is let through and ann (verified from B, blocked from A) refused, before the call returns.
      const middleware = t.security.authenticate();
      const direct = (user: string, password: string) => {
        const answer = { next: false, status: 0, retryAfter: "" };
        const req = {
          headers: { authorization: basic(user, password) },
          ip: A,
          socket: {},
          method: "GET",
          originalUrl: "/_security/_authenticate",
        };
        const res = {
          headersSent: false,
          setHeader: (name: string, value: string) => void (name === "Retry-After" && (answer.retryAfter = value)),
          status(code: number) {
            answer.status = code;
            return this;
          },
          json: () => undefined,
        };
        middleware(req as unknown as express.Request, res as unknown as express.Response, () => void (answer.next = true));
        return answer;
      };
      assert.deepEqual(direct("bob", "bob-pass"), { next: true, status: 0, retryAfter: "" });
      const ann = direct("ann", "ann-pass");
      assert.equal(ann.next, false);
      assert.equal(ann.status, 429);
      assert.match(ann.retryAfter, /^[1-9]\d*$/);
    } finally {
      await t.close();
    }
  });

  it("a misconfigured proxy setting is reported once, by express-rate-limit's own validation", async () => {
    // No `trust proxy`, yet requests carry X-Forwarded-For: every client would share the proxy's budget.
    const t = await startTestApp("ratelimit_proxy_check", {});
    const reported: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => {
      reported.push(
        args.map((a) => (a instanceof Error ? `${(a as Error & { code?: string }).code ?? ""} ${a.message}` : String(a))).join(" "),
      );
    };
    try {
      for (let i = 0; i < 3; i++) {
        const res = await t.request("GET", "/_security/_authenticate", {
          auth: { user: "elastic", password: "wrong-password" },
          headers: { "x-forwarded-for": `10.30.0.${i + 1}` },
        });
        assert.equal(res.status, 401);
      }
    } finally {
      console.error = original;
      await t.close();
    }
    const unexpected = reported.filter((line) => line.includes("ERR_ERL_UNEXPECTED_X_FORWARDED_FOR"));
    assert.equal(unexpected.length, 1, `reported: ${JSON.stringify(reported)}`);
  });
});
