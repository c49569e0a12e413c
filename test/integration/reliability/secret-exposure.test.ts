import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { AuditEvent } from "../../../lib/model/audit-event.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { assertSafeResponse, basic, closeAgent, report, send, storedHashes, type RawResult } from "./reliability-support.js";

// Secrets (passwords, API-key secrets, access and refresh tokens) and stored hashes never leave
// the library: not in a Get or Query response, not in an error body, not in an audit event, not
// on the console. And the stored hash is no query field, so it cannot be probed either.

const ADMIN = `adm-${randomBytes(10).toString("hex")}`;
const PASS = `pw-${randomBytes(10).toString("hex")}`;

describe("secrets and hashes never in responses, errors, audit events or logs", () => {
  let t: TestApp;
  const secrets: string[] = [ADMIN, PASS];
  const audit: AuditEvent[] = [];
  const responses: Array<{ what: string; res: RawResult }> = [];
  const admin = basic("elastic", ADMIN);

  const call = async (
    what: string,
    method: string,
    path: string,
    authorization: string | undefined,
    body?: unknown,
  ): Promise<RawResult> => {
    const res = await send(t.baseUrl, {
      method,
      path,
      headers: { ...(authorization ? { authorization } : {}), "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    responses.push({ what, res });
    return res;
  };

  before(async () => {
    t = await startTestApp("secrets", { failureRateLimit: false, bootstrapPassword: ADMIN, audit: (e) => void audit.push(e) });
    assert.equal(
      (
        await call("role", "PUT", "/_security/role/keys", admin, {
          cluster: ["manage_own_api_key"],
          indices: [{ names: ["i"], privileges: ["read"] }],
        })
      ).status,
      200,
    );
    assert.equal(
      (await call("user", "PUT", "/_security/user/owner", admin, { password: PASS, roles: ["keys"], metadata: { team: "a" } })).status,
      200,
    );
  });

  after(async () => {
    closeAgent();
    await t.close();
  });

  it("no Get, Query or error body carries a secret or a hash (API keys of every hash format, tokens, passwords)", async () => {
    const owner = basic("owner", PASS);
    const keys: Array<{ id: string; api_key: string; encoded: string }> = [];
    for (const hashAlgorithm of ["ssha256", "pbkdf2", "bcrypt"] as const) {
      const other = await startTestApp(
        "secrets",
        { failureRateLimit: false, bootstrapPassword: ADMIN, apiKeys: { hashAlgorithm } },
        undefined,
        t.db,
      );
      try {
        const res = await send(other.baseUrl, {
          method: "POST",
          path: "/_security/api_key",
          headers: { authorization: owner, "content-type": "application/json" },
          body: JSON.stringify({ name: `key-${hashAlgorithm}`, metadata: { a: 1 } }),
        });
        assert.equal(res.status, 200, res.text);
        keys.push(res.body);
      } finally {
        await other.close();
      }
    }
    for (const k of keys) secrets.push(k.api_key, k.encoded);
    const token = await call("token", "POST", "/_security/oauth2/token", admin, {
      grant_type: "password",
      username: "owner",
      password: PASS,
    });
    let bearer: string | undefined;
    if (token.status === 200) {
      secrets.push(token.body.access_token, token.body.refresh_token);
      bearer = `Bearer ${token.body.access_token as string}`;
    }
    const hashes = await storedHashes(t.db.connection);
    assert.ok(hashes.length >= 8, "users' and keys' hashes are known to the test");

    // Every read the API offers, by every kind of caller.
    for (const [who, auth] of [
      ["admin", admin],
      ["owner", owner],
      ["key", `ApiKey ${keys[0]?.encoded}`],
      ...(bearer ? [["token", bearer]] : []),
    ] as Array<[string, string]>) {
      await call(`${who} _authenticate`, "GET", "/_security/_authenticate", auth);
      await call(`${who} get keys`, "GET", "/_security/api_key?owner=true&with_limited_by=true", auth);
      await call(`${who} get all keys`, "GET", "/_security/api_key?with_limited_by=true", auth);
      await call(`${who} query keys`, "POST", "/_security/_query/api_key?with_limited_by=true", auth, {
        query: { match_all: {} },
        size: 100,
        sort: ["name"],
        aggs: { names: { terms: { field: "name" } }, users: { terms: { field: "username" } } },
      });
      await call(`${who} privileges`, "GET", "/_security/user/_privileges", auth);
      await call(`${who} users`, "GET", "/_security/user", auth);
      await call(`${who} owner`, "GET", "/_security/user/owner", auth);
      await call(`${who} roles`, "GET", "/_security/role", auth);
    }
    // The stored hash is no field: it can be neither read nor probed.
    for (const field of ["hash", "api_key_hash", "password_hash"]) {
      for (const query of [{ prefix: { [field]: "{" } }, { exists: { field } }, { wildcard: { [field]: "*" } }]) {
        const res = await call(`probe ${field}`, "POST", "/_security/_query/api_key", admin, { query });
        assert.equal(res.status, 400, `${field} must not be queryable: ${res.text}`);
      }
      const agg = await call(`agg ${field}`, "POST", "/_security/_query/api_key", admin, { aggs: { h: { terms: { field } } } });
      assert.equal(agg.status, 400, `${field} must not be aggregatable: ${agg.text}`);
    }
    // Errors that involve secrets: wrong ones, near misses, malformed and too-short passwords.
    const k = keys[0] as { id: string; api_key: string };
    await call("wrong key secret", "GET", "/_security/_authenticate", `ApiKey ${Buffer.from(`${k.id}:${k.api_key}x`).toString("base64")}`);
    await call("wrong password", "GET", "/_security/_authenticate", basic("owner", `${PASS}x`));
    await call("secondary wrong", "GET", "/_security/_authenticate", admin, undefined);
    await call("short password", "PUT", "/_security/user/owner/_password", admin, { password: "x" });
    await call("hash as password", "PUT", "/_security/user/other", admin, { password_hash: hashes.find((h) => h.startsWith("{")) ?? "x" });
    await call("grant wrong", "POST", "/_security/api_key/grant", admin, {
      grant_type: "password",
      username: "owner",
      password: `${PASS}!`,
      api_key: { name: "g" },
    });
    await call("create bad", "POST", "/_security/api_key", owner, { name: k.api_key, metadata: { _secret: PASS } });
    if (bearer) {
      await call("bad token", "GET", "/_security/_authenticate", `${bearer}x`);
      await call("refresh reuse", "POST", "/_security/oauth2/token", admin, {
        grant_type: "refresh_token",
        refresh_token: `${token.body.refresh_token as string}x`,
      });
    }

    const all = [...secrets, ...hashes];
    for (const { what, res } of responses) {
      // The creating calls answer with their own secret once: that is the API.
      if (["token"].includes(what)) continue;
      const mine = what === "create bad" ? all.filter((s) => s !== k.api_key) : all;
      assertSafeResponse(res, mine, what);
    }
    for (const event of audit) {
      const text = JSON.stringify(event);
      for (const s of all) assert.ok(!text.includes(s), `audit ${event.type} carries a secret`);
    }
    report(
      `secret exposure: ${responses.length} responses and ${audit.length} audit events scanned for ${all.length} secrets and hashes (3 hash formats${bearer ? ", tokens" : ""}): none found; hash fields not queryable`,
    );
  });

  it("nothing the library writes to the console carries a secret", async () => {
    const written: string[] = [];
    // Console methods only: process.stdout itself carries the test runner's own reports.
    const originals = { log: console.log, warn: console.warn, error: console.error, info: console.info, debug: console.debug };
    console.log =
      console.warn =
      console.error =
      console.info =
      console.debug =
        (...args: unknown[]) =>
          void written.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack ?? ""}` : String(a))).join(" "));
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(`${w.name} ${w.message}`);
    process.on("warning", onWarning);
    try {
      await call("burst", "GET", "/_security/_authenticate", basic("owner", `${PASS}-wrong`));
      await Promise.all(
        Array.from({ length: 30 }, () => call("burst", "GET", "/_security/_authenticate", basic("elastic", `${ADMIN}-wrong`))),
      );
      await call("burst", "POST", "/_security/api_key", basic("owner", PASS), { name: "console" });
    } finally {
      Object.assign(console, originals);
      process.off("warning", onWarning);
    }
    const text = [...written, ...warnings].join("\n");
    for (const s of [...secrets, ...(await storedHashes(t.db.connection))]) assert.ok(!text.includes(s), "a secret reached the console");
  });
});
