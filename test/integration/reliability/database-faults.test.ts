import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import mongoose from "mongoose";
import type { AuditEvent } from "../../../lib/model/audit-event.js";
import { startRestartableMongoServer, type RestartableMongoServer } from "../../support/restartable-mongo-server.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { basic, closeAgent, eventually, report, send, sleep, type RawResult } from "./reliability-support.js";

// Database faults on a private server this file stops, kills, freezes and restarts mid-traffic
// (the shared server of the other test files is never touched). The security layer must fail
// closed with a 503 within `storeTimeout`, honour cached identities only within their freshness
// bounds, recover by itself, and leave no half state behind an interrupted write.

const ADMIN = `adm-${randomBytes(8).toString("hex")}`;
const PASS = `pw-${randomBytes(8).toString("hex")}`;
const STORE_TIMEOUT_MS = 1000;
/** Freshness bound of every cache in this file (credentials, key documents, roles). */
const FRESH_MS = 4000;

describe("database faults: stop, kill and freeze the server mid-traffic", () => {
  let server: RestartableMongoServer;
  let connection: mongoose.Connection;
  let t: TestApp;
  const audit: AuditEvent[] = [];
  let faults = 0;
  let requests = 0;
  const statuses = new Map<number, number>();
  const admin = basic("elastic", ADMIN);

  const call = async (method: string, path: string, authorization: string, body?: unknown): Promise<RawResult> => {
    requests++;
    const res = await send(t.baseUrl, {
      method,
      path,
      headers: { authorization, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    assert.notEqual(res.status, 500, `${method} ${path}: ${res.text}`);
    assert.doesNotMatch(res.text, /\bat .+:\d+:\d+|node_modules|Mongo\w*Error/, "no internals in the response");
    return res;
  };
  const assertUnavailable = (res: RawResult, context: string) => {
    assert.equal(res.status, 503, `${context}: ${res.status} ${res.text}`);
    assert.equal(res.body.error.type, "status_exception");
    assert.equal(res.body.status, 503);
    assert.ok(res.ms <= STORE_TIMEOUT_MS + 1500, `${context}: answered after ${res.ms} ms, storeTimeout is ${STORE_TIMEOUT_MS} ms`);
  };
  const kill = async () => {
    faults++;
    await server.kill();
  };
  const recovered = async (): Promise<number> => {
    const took = await eventually(async () => (await call("GET", "/_security/user/owner", admin)).status === 200, 15_000, 100);
    return took;
  };

  before(async () => {
    server = await startRestartableMongoServer();
    // The driver's own server-selection timeout stays at its 30 s default: storeTimeout is what
    // bounds every request.
    connection = await mongoose.createConnection(server.uri, { dbName: "kg_faults" }).asPromise();
    t = await startTestApp(
      "faults",
      {
        bootstrapPassword: ADMIN,
        failureRateLimit: false,
        storeTimeout: STORE_TIMEOUT_MS,
        credentialCacheTtl: FRESH_MS,
        roleCacheTtl: FRESH_MS,
        eventsPollInterval: "200ms",
        apiKeys: { docCacheTtl: FRESH_MS },
        audit: (event) => void audit.push(event),
      },
      (app, security) => {
        app.get(
          "/orders",
          security.requirePrivileges({ index: [{ names: ["orders"], privileges: ["read"] }] }),
          (_req, res) => void res.json({ ok: true }),
        );
      },
      { connection, uri: server.uri, drop: async () => undefined },
    );
    assert.equal(
      (
        await call("PUT", "/_security/role/reader", admin, {
          cluster: ["manage_own_api_key"],
          indices: [{ names: ["orders"], privileges: ["read"] }],
        })
      ).status,
      200,
    );
    for (const user of ["owner", "cold", "late"])
      assert.equal((await call("PUT", `/_security/user/${user}`, admin, { password: PASS, roles: ["reader"] })).status, 200);
  });

  after(async () => {
    closeAgent();
    await t?.close();
    await connection?.close(true).catch(() => undefined);
    await server?.close();
    const counts = [...statuses.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(" ");
    report(
      `database faults: ${faults} faults injected (kill, stop, freeze) on a private ${server?.kind ?? "?"}, ${requests} requests (${counts}); 0 500s, no request waited past storeTimeout`,
    );
  });

  it("kill mid-traffic: uncached credentials and writes fail closed (503), cached identities hold only within their bounds, then it recovers", async () => {
    const key = (await call("POST", "/_security/api_key", basic("owner", PASS), { name: "cached-key" })).body as {
      id: string;
      encoded: string;
    };
    // Warm this instance's caches: Basic credentials, the key, the role.
    for (const auth of [basic("owner", PASS), `ApiKey ${key.encoded}`]) {
      assert.equal((await call("GET", "/_security/_authenticate", auth)).status, 200);
      assert.equal((await call("GET", "/orders", auth)).status, 200);
    }
    // Traffic runs while the server dies.
    let stop = false;
    const seen: number[] = [];
    const traffic = (async () => {
      while (!stop) {
        const res = await call("GET", "/_security/_authenticate", basic("cold", PASS));
        seen.push(res.status);
        assert.ok(res.status === 200 || res.status === 503, `uncached credentials during the outage: ${res.status}`);
      }
    })();
    traffic.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
    await sleep(100);
    await kill();
    const killedAt = Date.now();

    // Within their freshness bounds, cached identities and permissions keep working.
    assert.equal((await call("GET", "/_security/_authenticate", basic("owner", PASS))).status, 200, "cached Basic credentials");
    assert.equal((await call("GET", "/_security/_authenticate", `ApiKey ${key.encoded}`)).status, 200, "cached API key");
    assert.equal((await call("GET", "/orders", basic("owner", PASS))).status, 200, "cached permission");
    assert.ok(Date.now() - killedAt < FRESH_MS, "the cached checks ran within the bounds");
    assertUnavailable(await call("GET", "/_security/_authenticate", basic("late", PASS)), "uncached Basic credentials");
    assertUnavailable(
      await call("GET", "/_security/_authenticate", basic("late", "wrong-password")),
      "a wrong password is not a 401 when it cannot be checked",
    );
    assertUnavailable(await call("PUT", "/_security/user/ghost", admin, { password: PASS, roles: ["superuser"] }), "a write");
    assertUnavailable(await call("POST", "/_security/api_key", basic("owner", PASS), { name: "during-outage" }), "an API-key create");
    // Past them, they fail closed too.
    await sleep(Math.max(0, killedAt + FRESH_MS + 200 - Date.now()));
    assertUnavailable(
      await call("GET", "/_security/_authenticate", basic("owner", PASS)),
      "cached Basic credentials past credentialCacheTtl",
    );
    assertUnavailable(await call("GET", "/_security/_authenticate", `ApiKey ${key.encoded}`), "a cached API key past docCacheTtl");
    stop = true;
    await traffic;
    assert.ok(seen.includes(503), "the outage was observed by the traffic");

    await server.start();
    const took = await recovered();
    report(`recovered ${took} ms after the server came back`);
    for (const auth of [basic("late", PASS), basic("owner", PASS), `ApiKey ${key.encoded}`])
      assert.equal((await call("GET", "/_security/_authenticate", auth)).status, 200);
    assert.equal((await call("GET", "/_security/_authenticate", basic("late", "wrong-password"))).status, 401);
    // A write answered 503 has an unknown outcome (it may still run once the server is back, as
    // with any timed-out request): it either never happened or happened whole.
    const ghost = await call("GET", "/_security/user/ghost", admin);
    assert.ok(
      ghost.status === 404 || (ghost.status === 200 && ghost.body.ghost?.roles?.[0] === "superuser" && ghost.body.ghost.enabled === true),
      ghost.text,
    );
    const failures = audit.filter((e) => e.type === "authentication_failure" && e.status === 503);
    assert.ok(failures.length > 0, "outage failures are audited with status 503");
  });

  it("a frozen server (SIGSTOP): every request answers 503 within storeTimeout, none hangs", async () => {
    faults++;
    await server.pause();
    try {
      const results = await Promise.all([
        call("GET", "/_security/_authenticate", basic("late", `${PASS}-new`)),
        call("GET", "/_security/user", admin),
        call("PUT", "/_security/role/frozen", admin, { cluster: ["all"] }),
        call("POST", "/_security/_query/api_key", admin, { query: { match_all: {} } }),
        call("GET", "/orders", basic("cold", `${PASS}-x`)),
      ]);
      results.forEach((res, i) => assertUnavailable(res, `request ${i} to a frozen server`));
    } finally {
      server.resume();
    }
    await recovered();
  });

  it("a graceful stop and restart: the service recovers by itself, the journal catches up", async () => {
    faults++;
    await server.stop();
    assertUnavailable(await call("GET", "/_security/_authenticate", basic("late", `${PASS}-other`)), "stopped server");
    await server.start();
    await recovered();
    // Changes made after the restart reach the caches through the journal again.
    assert.equal((await call("PUT", "/_security/user/late/_disable", admin)).status, 200);
    assert.equal((await call("GET", "/_security/_authenticate", basic("late", PASS))).status, 401);
    assert.equal((await call("PUT", "/_security/user/late/_enable", admin)).status, 200);
    assert.equal((await call("GET", "/_security/_authenticate", basic("late", PASS))).status, 200);
  });

  it("an interrupted invalidation leaves no half state: repeating it finishes the job, each key invalidated once", async () => {
    const keys: Array<{ id: string; encoded: string }> = [];
    for (let i = 0; i < 60; i++) keys.push((await call("POST", "/_security/api_key", basic("owner", PASS), { name: `bulk-${i}` })).body);
    const ids = keys.map((k) => k.id);
    const first = call("DELETE", "/_security/api_key", basic("owner", PASS), { ids, owner: true });
    await sleep(15);
    await kill();
    const interrupted = await first;
    assert.ok(interrupted.status === 200 || interrupted.status === 503, interrupted.text);
    await server.start();
    await recovered();
    // Invalidation is idempotent: repeat it until it answers (claims the crash left behind may
    // slow the first repeats past the 1 s storeTimeout of this file; the work goes on regardless).
    const reported: string[] = interrupted.status === 200 ? [...interrupted.body.invalidated_api_keys] : [];
    let repeats = 0;
    for (;;) {
      repeats++;
      const again = await call("DELETE", "/_security/api_key", basic("owner", PASS), { ids, owner: true });
      assert.ok(again.status === 200 || again.status === 503, again.text);
      if (again.status === 200) {
        reported.push(...(again.body.invalidated_api_keys as string[]));
        break;
      }
      assert.ok(repeats < 20, "the invalidation never completed");
    }
    assert.equal(new Set(reported).size, reported.length, "no key reported invalidated twice");
    const docs = await connection
      .collection("security_api_keys")
      .find({ _id: { $in: ids } } as never)
      .toArray();
    assert.equal(docs.length, 60);
    assert.ok(
      docs.every((d) => d.invalidated === true && typeof d.invalidation_time === "number"),
      "every key invalidated, with its time",
    );
    for (const k of keys.slice(0, 10)) assert.equal((await call("GET", "/_security/_authenticate", `ApiKey ${k.encoded}`)).status, 401);
    report(
      `interrupted invalidation: first call ${interrupted.status}, ${repeats} repeat(s) until done, ${reported.length} keys reported invalidated once each, all 60 invalidated`,
    );
  });

  it("interrupted creates: every key is whole or absent, and a key whose secret was never returned is unusable", async () => {
    const names = Array.from({ length: 40 }, (_, i) => `interrupted-${i}`);
    const pending = names.map((name) => call("POST", "/_security/api_key", basic("owner", PASS), { name }));
    await sleep(20);
    await kill();
    const results = await Promise.all(pending);
    await server.start();
    await recovered();
    let returned = 0;
    for (const [i, res] of results.entries()) {
      assert.ok(res.status === 200 || res.status === 503, res.text);
      if (res.status === 200) {
        returned++;
        assert.equal((await call("GET", "/_security/_authenticate", `ApiKey ${res.body.encoded}`)).status, 200, names[i]);
      } else {
        assert.equal(res.body.api_key, undefined, "a failed create never shows a secret");
        assert.equal(res.body.encoded, undefined);
      }
    }
    const docs = await connection
      .collection("security_api_keys")
      .find({ name: { $regex: "^interrupted-" } } as never)
      .toArray();
    for (const d of docs) {
      assert.ok(
        typeof d.hash === "string" && d.hash.length > 20 && d.creator && d.version >= 1 && typeof d.creation_time === "number",
        `half-written key ${String(d._id)}`,
      );
    }
    assert.ok(docs.length >= returned, "every returned key is stored");
    assert.equal(new Set(docs.map((d) => d.name)).size, docs.length, "no create stored twice");
    report(
      `interrupted creates: ${returned} of 40 returned, ${docs.length} stored whole, ${docs.length - returned} stored but never returned (unusable: nobody has their secret)`,
    );
  });
});
