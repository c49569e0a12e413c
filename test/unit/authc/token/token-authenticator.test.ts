import assert from "node:assert/strict";
import { createSecretKey, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { Authentication } from "../../../../lib/model/authentication.js";
import type { AuthenticatorResult } from "../../../../lib/authc/authenticator-chain.js";
import { signAccessToken } from "../../../../lib/authc/token/access-token.js";
import type { SettingsStore } from "../../../../lib/store/settings-store.js";
import { JwtSigningKey } from "../../../../lib/authc/token/jwt-signing-key.js";
import { SigningKeyRing } from "../../../../lib/authc/token/signing-key-ring.js";
import { TokenAuthenticator } from "../../../../lib/authc/token/token-authenticator.js";
import { encodeTokenSubject } from "../../../../lib/authc/token/token-authentication.js";
import { TokenCache } from "../../../../lib/authc/token/token-cache.js";
import { EXPIRED_TOKEN_CHALLENGE } from "../../../../lib/authc/token/token-errors.js";
import type { TokenDoc } from "../../../../lib/store/store-documents.js";

const KEY = createSecretKey(randomBytes(32));
const INFO = { uri: "/", request: {} };
const ID = "tokenid0000000000001";
const T0 = 1_800_000_000_000;

const subject = new Authentication({
  user: { username: "alice", roles: ["reader"], full_name: "Alice", email: null, metadata: { "a.b": 1 }, enabled: true },
  authenticationRealm: { name: "native", type: "native" },
  type: "realm",
});

function doc(overrides: Partial<TokenDoc> = {}): TokenDoc {
  return {
    _id: ID,
    doc_type: "token",
    creation_time: T0,
    expiration_time: T0 + 1_200_000,
    invalidated: false,
    invalidation_time: null,
    username: "alice",
    realm: "native",
    api_key_id: null,
    authentication: encodeTokenSubject(subject),
    refresh_hash: null,
    refresh_expiration_time: null,
    refresh_invalidated: false,
    refreshed: false,
    refresh_time: null,
    refresh_client: null,
    sealed_pair: null,
    purge_at: T0 + 1_200_000,
    ...overrides,
  };
}

function setup(options: { revalidateMs?: number; apiKeyActive?: boolean } = {}) {
  let now = T0;
  let stored: TokenDoc | null = doc();
  let down = false;
  let reads = 0;
  const source = {
    async get(id: string) {
      reads++;
      await new Promise((r) => setImmediate(r));
      if (down) throw Object.assign(new Error("connection refused"), { name: "MongoNetworkError" });
      return stored && stored._id === id ? stored : null;
    },
  };
  const cache = new TokenCache({ maxEntries: 100 });
  const key = new JwtSigningKey({} as SettingsStore, new SigningKeyRing({ id: "k1", key: KEY }, []));
  const authenticator = new TokenAuthenticator(key, source, cache, {
    revalidateMs: options.revalidateMs ?? 30_000,
    clock: () => now,
    ...(options.apiKeyActive !== undefined ? { apiKeyActive: async () => options.apiKeyActive as boolean } : {}),
  });
  const token = signAccessToken({ id: ID, subject: "alice", issuedAt: T0 / 1000, expiresAt: T0 / 1000 + 1200 }, { id: "k1", key: KEY });
  return {
    cache,
    token,
    auth: (t = token) => authenticator.authenticate({ scheme: "bearer", token: t }, INFO),
    advance: (ms: number) => (now += ms),
    set: (d: TokenDoc | null) => (stored = d),
    setDown: (value: boolean) => (down = value),
    get reads() {
      return reads;
    },
  };
}

function assertExpired(result: AuthenticatorResult): void {
  assert.equal(result.status, "terminate");
  if (result.status !== "terminate") return;
  assert.equal(result.error.status, 401);
  assert.equal(result.error.reason, "token expired");
  assert.equal((result.error.headers["WWW-Authenticate"] as string[])[0], EXPIRED_TOKEN_CHALLENGE);
}

describe("Bearer token authenticator", () => {
  it("reads the database once, then serves from the cache until the revalidation window passes", async () => {
    const t = setup();
    const first = await t.auth();
    assert.equal(first.status, "success");
    if (first.status !== "success") return;
    assert.equal(first.authentication.type, "token");
    assert.deepEqual(first.authentication.token, { id: ID });
    assert.deepEqual(first.authentication.toJSON().authentication_realm, { name: "native", type: "native" });
    assert.deepEqual(first.authentication.user.metadata, { "a.b": 1 });
    for (let i = 0; i < 50; i++) assert.equal((await t.auth()).status, "success");
    assert.equal(t.reads, 1);
    t.advance(30_001);
    assert.equal((await t.auth()).status, "success");
    assert.equal(t.reads, 2, "re-confirmed after the window");
  });

  it("shares one database read among concurrent first uses", async () => {
    const t = setup();
    const results = await Promise.all(Array.from({ length: 20 }, () => t.auth()));
    assert.ok(results.every((r) => r.status === "success"));
    assert.equal(t.reads, 1);
  });

  it("fails closed (503) when the database is away and the token is not known-good", async () => {
    const t = setup();
    t.setDown(true);
    const result = await t.auth();
    assert.equal(result.status, "terminate");
    if (result.status === "terminate") assert.equal(result.error.status, 503);
    // Once confirmed, the token is trusted for the window without the database, then refused.
    t.setDown(false);
    assert.equal((await t.auth()).status, "success");
    t.setDown(true);
    t.advance(29_000);
    assert.equal((await t.auth()).status, "success");
    t.advance(2_000);
    const stale = await t.auth();
    assert.equal(stale.status, "terminate");
    if (stale.status === "terminate") assert.equal(stale.error.status, 503);
  });

  it("answers 'token expired' for invalidated and expired tokens, 'invalid token' for unknown ones", async () => {
    const t = setup();
    t.set(doc({ invalidated: true }));
    assertExpired(await t.auth());
    assertExpired(await t.auth());
    assert.equal(t.reads, 1, "the revocation is remembered");

    const u = setup();
    u.set(null);
    assert.deepEqual(await u.auth(), { status: "continue", message: "invalid token" });
    assert.deepEqual(await u.auth(), { status: "continue", message: "invalid token" });
    assert.equal(u.reads, 1);

    const v = setup();
    v.advance(1_200_000);
    assertExpired(await v.auth());
    assert.equal(v.reads, 0, "expiry needs no database");
    assert.deepEqual(await v.auth(v.token.slice(0, -3) + "AAA"), { status: "continue", message: "invalid token" });
  });

  it("revocations reach cached tokens at once", async () => {
    const t = setup();
    assert.equal((await t.auth()).status, "success");
    t.cache.revoke(ID, T0 + 3_600_000);
    assertExpired(await t.auth());
  });

  it("refuses a token whose API key is no longer active", async () => {
    const t = setup({ apiKeyActive: false });
    t.set(doc({ api_key_id: "key-1" }));
    assertExpired(await t.auth());
    const u = setup({ apiKeyActive: true });
    u.set(doc({ api_key_id: "key-1" }));
    assert.equal((await u.auth()).status, "success");
  });
});

describe("Bearer token authenticator with a rotating key ring", () => {
  /** A generated ring whose stored revisions live in memory; `down` makes reads fail. */
  function ringSetup() {
    let now = T0;
    const state = { down: false, reads: 0 };
    const versions = new Map<number, unknown>();
    const settings = {
      get: async () => undefined,
      latestVersion: async () => {
        state.reads++;
        if (state.down) throw Object.assign(new Error("connection refused"), { name: "MongoNetworkError" });
        const version = Math.max(...versions.keys());
        return versions.size ? { version, value: structuredClone(versions.get(version)) } : undefined;
      },
      insertVersion: async (_name: string, version: number, value: unknown) => {
        if (versions.has(version)) return false;
        versions.set(version, structuredClone(value));
        return true;
      },
      pruneVersionsBefore: async () => undefined,
    };
    const clock = () => now;
    // Two instances on one "database": A rotates, B authenticates.
    const a = new JwtSigningKey(settings, undefined, { clock });
    const b = new JwtSigningKey(settings, undefined, { clock });
    const authenticator = new TokenAuthenticator(b, { get: async (id) => doc({ _id: id }) }, new TokenCache({ maxEntries: 100 }), {
      revalidateMs: 30_000,
      clock,
    });
    const sign = (key: { id: string; key: typeof KEY }) =>
      signAccessToken({ id: ID, subject: "alice", issuedAt: T0 / 1000, expiresAt: T0 / 1000 + 1200 }, key);
    return {
      a,
      b,
      state,
      sign,
      auth: (token: string) => authenticator.authenticate({ scheme: "bearer", token }, INFO),
      fromCache: (token: string) => authenticator.authenticateFromCache({ scheme: "bearer", token }),
      advance: (ms: number) => (now += ms),
    };
  }

  it("a token of a key rotated in elsewhere verifies after one ring read; a failed read is 503, not a pass", async () => {
    const t = ringSetup();
    await t.a.load();
    await t.b.load();
    await t.a.rotate(1_200_000);
    const token = t.sign((t.a.ring as SigningKeyRing).current);
    t.state.down = true;
    const refused = await t.auth(token);
    assert.equal(refused.status, "terminate");
    if (refused.status === "terminate") assert.equal(refused.error.status, 503);
    t.state.down = false;
    t.advance(1000);
    assert.equal((await t.auth(token)).status, "success");
    assert.equal(t.b.ring?.current.id, t.a.ring?.current.id, "B now signs with the new key too");
  });

  it("a cached verification ends when its key is retired", async () => {
    const t = ringSetup();
    await t.a.load();
    await t.b.load();
    const token = t.sign((t.b.ring as SigningKeyRing).current);
    assert.equal((await t.auth(token)).status, "success");
    assert.ok(t.fromCache(token), "served from the cache");
    await t.a.rotate(1_200_000, { retireImmediately: true });
    assert.ok(t.fromCache(token), "B has not heard of it yet");
    await t.b.reload();
    assert.equal(t.fromCache(token), undefined);
    assert.deepEqual(await t.auth(token), { status: "continue", message: "invalid token" });
  });
});
