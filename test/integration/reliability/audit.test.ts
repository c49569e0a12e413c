import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { AuditEvent } from "../../../lib/model/audit-event.js";
import { createSecurity } from "../../../lib/index.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { basic, closeAgent, report, send, storedHashes, type RawResult } from "./reliability-support.js";

// The audit trail: structured events for authentication, API-key changes and denials, through
// the `audit` option (a function or a pino-like logger), never carrying a secret, and never able
// to break a request.

const secret = (label: string) => `${label}-${randomBytes(10).toString("hex")}`;
const ADMIN = secret("admin");
const PASSWORDS = { owner: secret("owner"), plain: secret("plain"), granter: secret("granter"), imp: secret("imp") };
const WRONG = secret("wrong");

type Of<T extends AuditEvent["type"]> = AuditEvent & { type: T };

describe("audit trail", () => {
  let t: TestApp;
  const events: AuditEvent[] = [];
  const secrets: string[] = [ADMIN, WRONG, ...Object.values(PASSWORDS)];

  const call = async (
    method: string,
    path: string,
    authorization: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<RawResult> =>
    send(t.baseUrl, {
      method,
      path,
      headers: { authorization, "content-type": "application/json", ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const as = (user: keyof typeof PASSWORDS) => basic(user, PASSWORDS[user]);
  /** The events emitted while `action` ran. */
  const during = async (action: () => Promise<unknown>): Promise<AuditEvent[]> => {
    const start = events.length;
    await action();
    return events.slice(start);
  };
  const only = <T extends AuditEvent["type"]>(list: AuditEvent[], type: T): Array<Of<T>> => list.filter((e): e is Of<T> => e.type === type);

  before(async () => {
    t = await startTestApp(
      "audit",
      { failureRateLimit: false, bootstrapPassword: ADMIN, audit: (event) => void events.push(event) },
      (app, security) => {
        app.get(
          "/orders",
          security.requirePrivileges({ application: [{ application: "shop", privileges: ["read"], resources: ["orders"] }] }),
          (_req, res) => void res.json({ ok: true }),
        );
      },
    );
    const admin = basic("elastic", ADMIN);
    const put = async (path: string, body: unknown) => assert.equal((await call("PUT", path, admin, body)).status, 200);
    await put("/_security/role/own_keys", { cluster: ["manage_own_api_key"] });
    await put("/_security/role/granter", { cluster: ["grant_api_key"] });
    await put("/_security/role/impersonator", { run_as: ["owner"] });
    await put("/_security/user/owner", { password: PASSWORDS.owner, roles: ["own_keys"] });
    await put("/_security/user/plain", { password: PASSWORDS.plain, roles: [] });
    await put("/_security/user/granter", { password: PASSWORDS.granter, roles: ["granter"] });
    await put("/_security/user/imp", { password: PASSWORDS.imp, roles: ["impersonator"] });
  });

  after(async () => {
    closeAgent();
    await t.close();
  });

  it("authentication_success and authentication_failure name the realm, user, client and URI", async () => {
    const ok = await during(() => call("GET", "/_security/_authenticate?pretty", as("owner")));
    const [success] = only(ok, "authentication_success");
    assert.ok(success, JSON.stringify(ok));
    assert.equal(success.username, "owner");
    assert.equal(success.realm, "native");
    assert.equal(success.authentication_type, "realm");
    assert.equal(success.request_method, "GET");
    assert.equal(success.request_uri, "/_security/_authenticate", "the query string is left out");
    assert.match(String(success.client_ip), /127\.0\.0\.1/);
    assert.ok(!Number.isNaN(Date.parse(success.timestamp)));

    const bad = await during(() => call("GET", "/_security/_authenticate", basic("owner", WRONG)));
    const [failure] = only(bad, "authentication_failure");
    assert.ok(failure, JSON.stringify(bad));
    assert.equal(failure.status, 401);
    assert.equal(failure.credential, "basic");
    assert.equal(failure.username, "owner");
    assert.match(failure.reason, /unable to authenticate user \[owner\]/);

    const malformed = only(await during(() => call("GET", "/_security/_authenticate", "Basic %%%")), "authentication_failure");
    assert.equal(malformed[0]?.credential, "malformed");
    const none = only(await during(() => send(t.baseUrl, { method: "GET", path: "/_security/_authenticate" })), "authentication_failure");
    assert.equal(none[0]?.credential, "none");
    assert.match(none[0]?.reason ?? "", /missing authentication credentials/);
  });

  it("API keys: create, authenticate, wrong secret, grant, update and invalidate are audited with owner, caller and ids", async () => {
    let created: { id: string; name: string; api_key: string; encoded: string } | undefined;
    const onCreate = await during(async () => {
      const res = await call("POST", "/_security/api_key", as("owner"), { name: "audited", metadata: { team: "a" } });
      assert.equal(res.status, 200);
      created = res.body as typeof created;
    });
    assert.ok(created);
    secrets.push(created.api_key, created.encoded);
    const [create] = only(onCreate, "api_key_create");
    assert.ok(create, JSON.stringify(onCreate));
    assert.deepEqual(create.ids, [created.id]);
    assert.equal(create.name, "audited");
    assert.deepEqual(create.owner, { username: "owner", realm: "native" });
    assert.equal(create.caller.username, "owner");

    const [keyAuth] = only(
      await during(() => call("GET", "/_security/_authenticate", `ApiKey ${created!.encoded}`)),
      "authentication_success",
    );
    assert.equal(keyAuth?.realm, "_es_api_key");
    assert.equal(keyAuth?.authentication_type, "api_key");
    assert.equal(keyAuth?.api_key_id, created.id);
    assert.equal(keyAuth?.api_key_name, "audited");
    assert.equal(keyAuth?.username, "owner");

    const wrongSecret = Buffer.from(`${created.id}:${WRONG}`).toString("base64");
    const [keyFailure] = only(
      await during(() => call("GET", "/_security/_authenticate", `ApiKey ${wrongSecret}`)),
      "authentication_failure",
    );
    assert.equal(keyFailure?.credential, "api_key");
    assert.equal(keyFailure?.api_key_id, created.id);

    let granted = "";
    const onGrant = await during(async () => {
      const res = await call("POST", "/_security/api_key/grant", as("granter"), {
        grant_type: "password",
        username: "owner",
        password: PASSWORDS.owner,
        api_key: { name: "granted" },
      });
      assert.equal(res.status, 200, res.text);
      granted = res.body.id as string;
      secrets.push(res.body.api_key as string, res.body.encoded as string);
    });
    const [grant] = only(onGrant, "api_key_grant");
    assert.ok(grant, JSON.stringify(onGrant));
    assert.equal(grant.caller.username, "granter", "the caller is the granting user");
    assert.deepEqual(grant.owner, { username: "owner", realm: "native" });
    assert.deepEqual(grant.ids, [granted]);

    const onUpdate = await during(async () => {
      const res = await call("PUT", `/_security/api_key/${created!.id}`, as("owner"), { metadata: { team: "b" } });
      assert.deepEqual(res.body, { updated: true }, res.text);
    });
    const [update] = only(onUpdate, "api_key_update");
    assert.deepEqual(update?.ids, [created.id]);
    assert.equal(update?.caller.username, "owner");
    assert.deepEqual(update?.owner, { username: "owner", realm: "native" });

    const onInvalidate = await during(() =>
      call("DELETE", "/_security/api_key", as("owner"), { ids: [created!.id, granted], owner: true }),
    );
    const [invalidate] = only(onInvalidate, "api_key_invalidate");
    assert.deepEqual([...(invalidate?.ids ?? [])].sort(), [created.id, granted].sort());
    assert.equal(invalidate?.caller.username, "owner");
    const again = only(
      await during(() => call("DELETE", "/_security/api_key", as("owner"), { ids: [created!.id], owner: true })),
      "api_key_invalidate",
    );
    assert.deepEqual(again[0]?.ids, [], "a repeated invalidation invalidates nothing, and says so");
  });

  it("token authentication is audited with its type; a tampered token is an authentication_failure", async () => {
    const token = await call("POST", "/_security/oauth2/token", basic("elastic", ADMIN), {
      grant_type: "password",
      username: "owner",
      password: PASSWORDS.owner,
    });
    assert.equal(token.status, 200, token.text);
    secrets.push(token.body.access_token as string, token.body.refresh_token as string);
    const [ok] = only(
      await during(() => call("GET", "/_security/_authenticate", `Bearer ${token.body.access_token as string}`)),
      "authentication_success",
    );
    assert.equal(ok?.authentication_type, "token");
    assert.equal(ok?.username, "owner");
    const [bad] = only(
      await during(() => call("GET", "/_security/_authenticate", `Bearer ${token.body.access_token as string}x`)),
      "authentication_failure",
    );
    assert.equal(bad?.credential, "bearer");
    assert.equal(bad?.status, 401);
  });

  it("access_denied names the action and the user: cluster actions, host-route guards and run-as", async () => {
    const cluster = only(await during(() => call("PUT", "/_security/role/x", as("plain"), { cluster: ["all"] })), "access_denied");
    assert.equal(cluster.length, 1);
    assert.equal(cluster[0]?.action, "cluster:admin/xpack/security/role/put");
    assert.equal(cluster[0]?.username, "plain");
    assert.match(cluster[0]?.reason ?? "", /is unauthorized for user \[plain\]/);

    const guard = only(await during(() => call("GET", "/orders", as("plain"))), "access_denied");
    assert.equal(guard.length, 1);
    assert.equal(guard[0]?.application, "shop");
    assert.equal(guard[0]?.action, "read");
    assert.deepEqual(guard[0]?.resources, ["orders"]);

    const runAs = only(
      await during(() => call("GET", "/_security/_authenticate", as("imp"), undefined, { "es-security-runas-user": "plain" })),
      "access_denied",
    );
    assert.equal(runAs.length, 1);
    assert.equal(runAs[0]?.run_as, "plain");
    assert.equal(runAs[0]?.username, "imp");
    assert.equal(runAs[0]?.action, "cluster:admin/xpack/security/user/authenticate");
    const allowed = only(
      await during(() => call("GET", "/_security/_authenticate", as("imp"), undefined, { "es-security-runas-user": "owner" })),
      "authentication_success",
    );
    assert.equal(allowed[0]?.username, "owner");
    assert.equal(allowed[0]?.run_by_username, "imp");

    const secondary = only(
      await during(() => call("GET", "/_security/_authenticate", as("imp"), undefined, { "es-secondary-authorization": as("plain") })),
      "authentication_success",
    );
    assert.equal(secondary[0]?.secondary_username, "plain");
  });

  it("no event ever carries a password, an API-key secret or a stored hash", async () => {
    const all = [...secrets, ...(await storedHashes(t.db.connection))];
    assert.ok(events.length >= 20, `only ${events.length} events`);
    for (const event of events) {
      const text = JSON.stringify(event);
      for (const s of all) assert.ok(!text.includes(s), `${event.type} carries a secret: ${text}`);
    }
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    report(
      `audit: ${events.length} events (${[...counts].map(([k, n]) => `${k}×${n}`).join(", ")}), scanned for ${all.length} secrets and hashes: none found`,
    );
  });

  it("a failing audit sink never breaks a request (throwing, rejecting, or a logger that throws)", async () => {
    const sinks = [
      () => {
        throw new Error("audit sink down");
      },
      () => Promise.reject(new Error("audit sink down (async)")),
      {
        info: () => {
          throw new Error("logger down");
        },
      },
    ];
    for (const audit of sinks) {
      const other = await startTestApp("audit_fail", { failureRateLimit: false, bootstrapPassword: ADMIN, audit: audit as never });
      try {
        const ok = await send(other.baseUrl, {
          method: "GET",
          path: "/_security/_authenticate",
          headers: { authorization: basic("elastic", ADMIN) },
        });
        assert.equal(ok.status, 200);
        const bad = await send(other.baseUrl, {
          method: "GET",
          path: "/_security/_authenticate",
          headers: { authorization: basic("elastic", WRONG) },
        });
        assert.equal(bad.status, 401);
        const created = await send(other.baseUrl, {
          method: "POST",
          path: "/_security/api_key",
          headers: { authorization: basic("elastic", ADMIN), "content-type": "application/json" },
          body: JSON.stringify({ name: "k" }),
        });
        assert.equal(created.status, 200);
        await new Promise((r) => setImmediate(r));
        assert.ok(other.core.audit.failures >= 3, `failures counted: ${other.core.audit.failures}`);
      } finally {
        await other.close();
      }
    }
  });

  it("a pino-like logger gets each event as the object, with its type as the message", async () => {
    const lines: Array<{ obj: AuditEvent; msg: string | undefined }> = [];
    const logger = { info: (obj: AuditEvent, msg?: string) => void lines.push({ obj, msg }) };
    const other = await startTestApp("audit_pino", { failureRateLimit: false, bootstrapPassword: ADMIN, audit: logger });
    try {
      await send(other.baseUrl, { method: "GET", path: "/_security/_authenticate", headers: { authorization: basic("elastic", ADMIN) } });
      const line = lines.find((l) => l.obj.type === "authentication_success");
      assert.ok(line);
      assert.equal(line.msg, "authentication_success");
      assert.equal(JSON.parse(JSON.stringify(line.obj)).username, "elastic", "events are plain JSON");
    } finally {
      await other.close();
    }
  });

  it("the option is validated at construction", () => {
    assert.throws(
      () => createSecurity({ connection: t.db.connection, audit: 42 as never }),
      (e: unknown) => e instanceof TypeError && /option audit/.test(e.message),
    );
    assert.throws(
      () => createSecurity({ connection: t.db.connection, audit: { log() {} } as never }),
      (e: unknown) => e instanceof TypeError && /info\(event\)/.test(e.message),
    );
    assert.throws(
      () => createSecurity({ connection: t.db.connection, storeTimeout: "soon" }),
      (e: unknown) => e instanceof TypeError && /storeTimeout/.test(e.message),
    );
  });
});
