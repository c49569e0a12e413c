import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import mongoose from "mongoose";
import { JwtSigningKey, SIGNING_KEY_RING_SETTING } from "../../../lib/authc/token/jwt-signing-key.js";
import { SettingsStore } from "../../../lib/store/settings-store.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import {
  as,
  assertInvalidToken,
  assertTokenExpired,
  bearer,
  createTokenFixtures,
  eventually,
  getToken,
  passwordGrant,
} from "./token-fixtures.js";

const FAST = { failureRateLimit: false as const, eventsPollInterval: "200ms" };

function tokenId(accessToken: string): string {
  return JSON.parse(Buffer.from(accessToken.split(".")[1] as string, "base64url").toString()).jti as string;
}

describe("token service: several instances, hot path, fail-closed, expiry, API keys", () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    db = await openTestDatabase("tok_coherence");
    // Sequential: the bootstrap user's creation is not meant for racing starts.
    a = await startTestApp("tok_coherence", FAST, undefined, db);
    b = await startTestApp("tok_coherence", FAST, undefined, db);
    await createTokenFixtures(a);
  });
  after(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  it("instances sharing a database generate one signing key once and accept each other's tokens", async () => {
    // Racing first loads (fresh setting name) agree on one key as well.
    const racers = Array.from(
      { length: 6 },
      () =>
        new JwtSigningKey(new SettingsStore(a.core.models.settings), undefined, {
          settingId: "race_probe_keys",
          legacySettingId: "race_probe_legacy",
        }),
    );
    const rings = await Promise.all(racers.map((k) => k.load()));
    const first = rings[0]?.current;
    assert.ok(first && rings.every((r) => r.current.id === first.id && r.current.key.equals(first.key)));
    const settings = await db.connection
      .collection("security_settings")
      .find({ _id: { $regex: `^${SIGNING_KEY_RING_SETTING}@` } as never })
      .toArray();
    assert.equal(settings.length, 1);
    assert.equal(Buffer.from(String(settings[0]?.value.current.secret), "base64url").length, 64);
    const ringA = a.core.tokens.signingKey.ring;
    const ringB = b.core.tokens.signingKey.ring;
    assert.ok(ringA && ringB && ringA.current.id === ringB.current.id && ringA.current.key.equals(ringB.current.key));
    const fromA = await getToken(a, "client", passwordGrant("alice"));
    const fromB = await getToken(b, "client", passwordGrant("bob"));
    assert.equal((await b.request("GET", "/_security/_authenticate", { auth: bearer(fromA.access_token) })).body.username, "alice");
    assert.equal((await a.request("GET", "/_security/_authenticate", { auth: bearer(fromB.access_token) })).body.username, "bob");
    // A refresh token is usable on any instance too.
    const refreshed = await b.request("POST", "/_security/oauth2/token", {
      auth: as("client"),
      body: { grant_type: "refresh_token", refresh_token: fromA.refresh_token },
    });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
  });

  it("a Bearer request on the hot path reads no database: one read per token and instance", async () => {
    const service = b.core.tokens;
    const pair = await getToken(a, "client", passwordGrant("alice"));
    let reads = 0;
    const store = service.store;
    const get = store.get.bind(store);
    store.get = async (id: string) => {
      reads++;
      return get(id);
    };
    try {
      assert.equal((await b.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) })).status, 200);
      assert.equal(reads, 1);
      for (let i = 0; i < 20; i++)
        assert.equal((await b.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) })).status, 200);
      assert.equal(reads, 1, "20 more requests, all from the cache");

      const credentials = { scheme: "bearer" as const, token: pair.access_token };
      const info = { uri: "/", request: {} };
      const n = 20_000;
      const started = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await service.authenticator.authenticate(credentials, info);
      const perOpUs = Number(process.hrtime.bigint() - started) / n / 1000;
      assert.equal(reads, 1);
      process.stdout.write(`# bearer cache-hit authentication: ${perOpUs.toFixed(2)} µs/op\n`);
      assert.ok(perOpUs < 300, `cache-hit authentication took ${perOpUs.toFixed(2)} µs`);

      // The minting instance pre-warms its cache: no read on its first use.
      const own = await getToken(b, "client", passwordGrant("bob"));
      const before = reads;
      assert.equal((await b.request("GET", "/_security/_authenticate", { auth: bearer(own.access_token) })).status, 200);
      assert.equal(reads, before);
    } finally {
      delete (store as { get?: unknown }).get;
    }
  });

  it("an invalidation on one instance is refused there at once and on the other within 2 s", async () => {
    const pair = await getToken(a, "client", passwordGrant("alice"));
    assert.equal((await a.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) })).status, 200);
    assert.equal((await b.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) })).status, 200);
    const res = await a.request("DELETE", "/_security/oauth2/token", { auth: as("client"), body: { token: pair.access_token } });
    assert.deepEqual(res.body, { invalidated_tokens: 1, previously_invalidated_tokens: 0, error_count: 0 });
    assertTokenExpired(await a.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) }));
    const took = await eventually(
      async () => (await b.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) })).status === 401,
      2000,
      20,
    );
    process.stdout.write(`# token invalidation reached instance B after ${took} ms\n`);
    assertTokenExpired(await b.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) }));

    // By username through B: A follows within 2 s.
    const bobs = await getToken(a, "client", passwordGrant("bob"));
    assert.equal((await a.request("GET", "/_security/_authenticate", { auth: bearer(bobs.access_token) })).status, 200);
    const byUser = await b.request("DELETE", "/_security/oauth2/token", { auth: as("client"), body: { username: "bob" } });
    assert.ok(byUser.body.invalidated_tokens >= 1);
    await eventually(
      async () => (await a.request("GET", "/_security/_authenticate", { auth: bearer(bobs.access_token) })).status === 401,
      2000,
      20,
    );
  });

  it("fails closed: without the database an instance serves only tokens it confirmed recently (503 otherwise)", async () => {
    // Instance C on its own connection to the same database, so its outage is real and its own.
    const conn = await mongoose.createConnection(db.uri, { serverSelectionTimeoutMS: 1000 }).asPromise();
    const c = await startTestApp("tok_coherence", FAST, undefined, { connection: conn, uri: db.uri, drop: async () => undefined });
    try {
      const known = await getToken(a, "client", passwordGrant("alice"));
      const unknown = await getToken(a, "client", passwordGrant("bob"));
      assert.equal((await c.request("GET", "/_security/_authenticate", { auth: bearer(known.access_token) })).status, 200);
      await conn.close(true);
      assert.equal(
        (await c.request("GET", "/_security/_authenticate", { auth: bearer(known.access_token) })).status,
        200,
        "confirmed < 30 s ago",
      );
      const res = await c.request("GET", "/_security/_authenticate", { auth: bearer(unknown.access_token) });
      assert.equal(res.status, 503, JSON.stringify(res.body));
      assert.equal(res.body.error.type, "status_exception");
    } finally {
      await c.close();
    }
  });

  it("expires access tokens after a tiny configured lifetime (401 'token expired')", async () => {
    const d = await startTestApp("tok_coherence", { ...FAST, tokens: { accessTokenLifetime: "1s" } }, undefined, db);
    try {
      const pair = await getToken(d, "client", passwordGrant("alice"));
      assert.equal(pair.expires_in, 1);
      const id = tokenId(pair.access_token);
      const doc = await d.core.tokens.store.get(id);
      assert.ok(doc && doc.expiration_time - doc.creation_time <= 1000);
      await eventually(
        async () => (await d.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) })).status === 401,
        2500,
        50,
      );
      const res = await d.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) });
      assertTokenExpired(res);
      assert.deepEqual(res.body.error.header["WWW-Authenticate"].slice(1), [
        'Basic realm="security", charset="UTF-8"',
        'Bearer realm="security"',
        "ApiKey",
      ]);
      // Other instances agree: expiry is in the signed token.
      assertTokenExpired(await a.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) }));
      // The refresh token outlives it and yields a fresh one.
      const refreshed = await d.request("POST", "/_security/oauth2/token", {
        auth: as("client"),
        body: { grant_type: "refresh_token", refresh_token: pair.refresh_token },
      });
      assert.equal(refreshed.status, 200);
      assert.equal((await d.request("GET", "/_security/_authenticate", { auth: bearer(refreshed.body.access_token) })).status, 200);
    } finally {
      await d.close();
    }
  });

  it("a token minted by an API key keeps the key's permissions, counts as API-key authentication, and dies with the key", async () => {
    const key = await a.request("POST", "/_security/api_key", { auth: as("keymaker"), body: { name: "minter" } });
    assert.equal(key.status, 200, JSON.stringify(key.body));
    const pair = await getToken(a, `ApiKey ${key.body.encoded}`, { grant_type: "client_credentials" });
    assert.equal(pair.authentication.authentication_type, "api_key");
    const me = await b.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) });
    assert.equal(me.status, 200);
    assert.equal(me.body.username, "keymaker");
    assert.equal(me.body.authentication_type, "token");
    assert.deepEqual(me.body.api_key, { id: key.body.id, name: "minter" });
    assert.deepEqual(me.body.authentication_realm, { name: "_es_api_key", type: "_es_api_key" });
    assert.deepEqual(me.body.roles, []);
    const doc = await a.core.tokens.store.get(tokenId(pair.access_token));
    assert.equal(doc?.api_key_id, key.body.id);
    assert.equal(doc?.realm, "native");

    // Derived-key rule: a key created with such a token must have explicitly empty descriptors.
    const derived = await a.request("POST", "/_security/api_key", { auth: bearer(pair.access_token), body: { name: "derived" } });
    assert.equal(derived.status, 400);
    assert.equal(
      derived.body.error.reason,
      "creating derived api keys requires an explicit role descriptor that is empty (has no privileges)",
    );
    assert.equal(
      (
        await a.request("POST", "/_security/api_key", {
          auth: bearer(pair.access_token),
          body: { name: "derived", role_descriptors: { noop: {} } },
        })
      ).status,
      200,
    );

    // The key's permissions (keymaker's roles through the key): monitor yes, manage_security no.
    const has = await a.request("POST", "/_security/user/_has_privileges", {
      auth: bearer(pair.access_token),
      body: { cluster: ["monitor", "manage_security"] },
    });
    assert.deepEqual(has.body.cluster, { monitor: true, manage_security: false });

    const inv = await b.request("DELETE", "/_security/api_key", { auth: as("keymaker"), body: { ids: [key.body.id], owner: true } });
    assert.deepEqual(inv.body.invalidated_api_keys, [key.body.id]);
    assertTokenExpired(await b.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) }));
    await eventually(
      async () => (await a.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) })).status === 401,
      2000,
      20,
    );
  });

  it("grant API key with grant_type access_token: the key belongs to the token's user", async () => {
    const pair = await getToken(a, "client", passwordGrant("alice"));
    const res = await b.request("POST", "/_security/api_key/grant", {
      auth: as("granter"),
      body: { grant_type: "access_token", access_token: pair.access_token, api_key: { name: "granted-by-token" } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const me = await a.request("GET", "/_security/_authenticate", { auth: { apiKey: res.body.encoded } });
    assert.equal(me.body.username, "alice");
    assert.equal(me.body.authentication_type, "api_key");
    const got = await a.admin("GET", `/_security/api_key?id=${res.body.id}`);
    assert.equal(got.body.api_keys[0].username, "alice");
    assert.equal(got.body.api_keys[0].realm, "native");

    const bad = await b.request("POST", "/_security/api_key/grant", {
      auth: as("granter"),
      body: { grant_type: "access_token", access_token: "not-a-token", api_key: { name: "nope" } },
    });
    assertInvalidToken(bad);
    await a.request("DELETE", "/_security/oauth2/token", { auth: as("client"), body: { token: pair.access_token } });
    const revoked = await a.request("POST", "/_security/api_key/grant", {
      auth: as("granter"),
      body: { grant_type: "access_token", access_token: pair.access_token, api_key: { name: "nope" } },
    });
    assertTokenExpired(revoked);
  });

  it("the remover deletes documents whose tokens have all expired; their JWTs are then unknown", async () => {
    const pair = await getToken(a, "client", { grant_type: "client_credentials" });
    const id = tokenId(pair.access_token);
    await a.core.tokens.store.model.updateOne({ _id: id }, { $set: { purge_at: Date.now() - 1 } }).exec();
    assert.ok((await a.core.tokens.remover.run()) >= 1);
    assert.equal(await a.core.tokens.store.get(id), null);
    // Instance B never saw it: the signed but unknown token is an invalid token.
    assertInvalidToken(await b.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) }));
  });

  it("with tokens disabled: no token endpoint and no Bearer authentication", async () => {
    const off = await startTestApp("tok_coherence", { ...FAST, tokens: { enabled: false } }, undefined, db);
    try {
      const pair = await getToken(a, "client", passwordGrant("alice"));
      const res = await off.request("POST", "/_security/oauth2/token", { auth: as("client"), body: { grant_type: "client_credentials" } });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.type, "feature_not_enabled_exception");
      assert.equal(res.body.error.reason, "security tokens are not enabled");
      assertInvalidToken(await off.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) }));
      const grant = await off.request("POST", "/_security/api_key/grant", {
        auth: as("granter"),
        body: { grant_type: "access_token", access_token: pair.access_token, api_key: { name: "nope" } },
      });
      assert.equal(grant.status, 400);
      assert.equal(grant.body.error.reason, "the grant type [access_token] is not supported");
    } finally {
      await off.close();
    }
  });
});
