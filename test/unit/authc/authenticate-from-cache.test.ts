import assert from "node:assert/strict";
import { createSecretKey, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { ApiKeyAuthenticator } from "../../../lib/authc/api-key/api-key-authenticator.js";
import { ApiKeyCache } from "../../../lib/authc/api-key/api-key-cache.js";
import { hashSsha256, verifySsha256 } from "../../../lib/authc/api-key/api-key-hash.js";
import { Authentication, type User } from "../../../lib/model/authentication.js";
import { AuthenticatorChain } from "../../../lib/authc/authenticator-chain.js";
import { ParsedAuthorization } from "../../../lib/authc/parsed-authorization.js";
import { CredentialCache } from "../../../lib/authc/realms/credential-cache.js";
import { NativeRealm } from "../../../lib/authc/realms/native-realm.js";
import { signAccessToken } from "../../../lib/authc/token/access-token.js";
import type { SettingsStore } from "../../../lib/store/settings-store.js";
import { JwtSigningKey } from "../../../lib/authc/token/jwt-signing-key.js";
import { SigningKeyRing } from "../../../lib/authc/token/signing-key-ring.js";
import { encodeTokenSubject } from "../../../lib/authc/token/token-authentication.js";
import { TokenAuthenticator } from "../../../lib/authc/token/token-authenticator.js";
import { TokenCache } from "../../../lib/authc/token/token-cache.js";
import type { ApiKeyDoc, TokenDoc } from "../../../lib/store/store-documents.js";
import type { UserStore } from "../../../lib/store/user-store.js";
import type { PasswordHasher } from "../../../lib/support/password-hasher.js";
import { apiKeyDoc } from "../../support/api-key-doc.js";

// The synchronous cache-only paths the authenticate middleware tries first. Each must answer only
// what the full path would answer, and nothing it has not verified: otherwise `undefined`.

const INFO = { uri: "/", request: {} };
const T0 = 1_800_000_000_000;

describe("authenticateFromCache: ApiKey", () => {
  const SECRET = "s".repeat(22);
  const doc = (overrides: Partial<ApiKeyDoc> = {}): ApiKeyDoc => apiKeyDoc({ hash: hashSsha256(SECRET), ...overrides });

  function setup(stored: ApiKeyDoc) {
    let now = T0;
    const cache = new ApiKeyCache({ ttlMs: 86_400_000, maxKeys: 10, docTtlMs: 300_000 });
    const authenticator = new ApiKeyAuthenticator(
      { get: async () => stored },
      { verify: async (s, h) => verifySsha256(s, h) },
      cache,
      () => now,
    );
    const credentials = (secret = SECRET) => ({ scheme: "apikey" as const, id: stored._id, secret });
    return { cache, authenticator, credentials, advance: (ms: number) => (now += ms) };
  }

  it("answers only after the full path verified the secret, and only for that secret", async () => {
    const t = setup(doc());
    assert.equal(t.authenticator.authenticateFromCache(t.credentials()), undefined, "nothing verified yet");
    const full = await t.authenticator.authenticate(t.credentials(), INFO);
    assert.equal(full.status, "success");
    const fast = t.authenticator.authenticateFromCache(t.credentials());
    assert.ok(fast instanceof Authentication);
    assert.equal(fast, full.status === "success" ? full.authentication : undefined);
    assert.equal(t.authenticator.authenticateFromCache(t.credentials("x".repeat(22))), undefined, "a wrong secret is never a hit");
  });

  it("leaves expired and evicted keys to the full path", async () => {
    const t = setup(doc({ expiration_time: T0 + 1000 }));
    await t.authenticator.authenticate(t.credentials(), INFO);
    assert.ok(t.authenticator.authenticateFromCache(t.credentials()));
    t.advance(1000);
    assert.equal(t.authenticator.authenticateFromCache(t.credentials()), undefined);
    const t2 = setup(doc());
    await t2.authenticator.authenticate(t2.credentials(), INFO);
    t2.cache.evict(doc()._id);
    assert.equal(t2.authenticator.authenticateFromCache(t2.credentials()), undefined);
  });
});

describe("ApiKeyCache LRU order under repeated hits", () => {
  const snap = (id: string) => ({
    id,
    type: "rest" as const,
    invalidated: false,
    expirationTime: null,
    hash: "h",
    authentication: {} as Authentication,
  });

  it("keeps exact least-recently-used eviction when the same key is hit again and again", () => {
    const cache = new ApiKeyCache({ ttlMs: 10_000, maxKeys: 2, docTtlMs: 10_000 });
    cache.put(snap("a"), "s", cache.epoch, 0);
    cache.put(snap("b"), "s", cache.epoch, 1);
    for (let t = 2; t < 10; t++) assert.equal(cache.lookup("b", "s", t)?.verified, true);
    assert.ok(cache.lookup("a", "s", 10));
    cache.put(snap("c"), "s", cache.epoch, 11);
    assert.equal(cache.lookup("b", "s", 12), undefined, "b was the least recently used");
    assert.ok(cache.lookup("a", "s", 12));
    for (let t = 13; t < 16; t++) cache.lookup("a", "s", t);
    cache.put(snap("d"), "s", cache.epoch, 16);
    assert.equal(cache.lookup("c", "s", 17), undefined);
    assert.ok(cache.lookup("a", "s", 17));
    assert.ok(cache.lookup("d", "s", 17));
  });
});

describe("authenticateFromCache: Basic through the chain", () => {
  function setup() {
    const cache = new CredentialCache(60_000, 100);
    const realm = new NativeRealm("native", {} as UserStore, {} as PasswordHasher, cache);
    const raw = new AuthenticatorChain([realm], undefined);
    // The chain as a request reaches it: with the header parsed once by the middleware.
    const chain = { authenticateFromCache: (header: string | undefined) => raw.authenticateFromCache(new ParsedAuthorization(header)) };
    const user = (enabled: boolean): User => ({ username: "ann", roles: ["r"], full_name: null, email: null, metadata: {}, enabled });
    const basic = (password: string) => "Basic " + Buffer.from(`ann:${password}`).toString("base64");
    return { cache, chain, user, basic };
  }

  it("answers a cached password of an enabled user with one shared, frozen Authentication", () => {
    const t = setup();
    assert.equal(t.chain.authenticateFromCache(t.basic("pw-1")), undefined);
    t.cache.put("ann", "pw-1", t.user(true));
    const first = t.chain.authenticateFromCache(t.basic("pw-1"));
    assert.ok(first);
    assert.equal(first.user.username, "ann");
    assert.deepEqual(first.authenticationRealm, { name: "native", type: "native" });
    assert.equal(t.chain.authenticateFromCache(t.basic("pw-1")), first);
    assert.ok(Object.isFrozen(first));
    assert.equal(t.chain.authenticateFromCache(t.basic("pw-2")), undefined, "another password is not a hit");
  });

  it("leaves disabled users and other schemes to the full path", () => {
    const t = setup();
    t.cache.put("ann", "pw-1", t.user(false));
    assert.equal(t.chain.authenticateFromCache(t.basic("pw-1")), undefined);
    assert.equal(t.chain.authenticateFromCache(undefined), undefined);
    assert.equal(t.chain.authenticateFromCache("Negotiate abc"), undefined);
    assert.equal(t.chain.authenticateFromCache("ApiKey %%%"), undefined);
  });
});

describe("authenticateFromCache: Bearer", () => {
  const KEY = createSecretKey(randomBytes(32));
  const ID = "tokenid0000000000001";
  const subject = new Authentication({
    user: { username: "alice", roles: ["reader"], full_name: null, email: null, metadata: {}, enabled: true },
    authenticationRealm: { name: "native", type: "native" },
    type: "realm",
  });
  const stored = {
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
  } as unknown as TokenDoc;

  function setup(key = KEY) {
    let now = T0;
    const cache = new TokenCache({ maxEntries: 100 });
    const authenticator = new TokenAuthenticator(
      new JwtSigningKey({} as SettingsStore, new SigningKeyRing({ id: "k1", key: key }, [])),
      { get: async () => stored },
      cache,
      {
        revalidateMs: 30_000,
        clock: () => now,
      },
    );
    const token = signAccessToken({ id: ID, subject: "alice", issuedAt: T0 / 1000, expiresAt: T0 / 1000 + 1200 }, { id: "k1", key: KEY });
    return { cache, authenticator, token, advance: (ms: number) => (now += ms) };
  }

  it("skips the JWT verification only for a token verified before, still valid in the cache", async () => {
    const t = setup();
    const credentials = { scheme: "bearer" as const, token: t.token };
    assert.equal(t.authenticator.authenticateFromCache(credentials), undefined, "never verified");
    assert.equal((await t.authenticator.authenticate(credentials, INFO)).status, "success");
    assert.equal(t.authenticator.authenticateFromCache(credentials)?.user.username, "alice");
    const tampered = { scheme: "bearer" as const, token: t.token.slice(0, -2) + (t.token.endsWith("AA") ? "BB" : "AA") };
    assert.equal(t.authenticator.authenticateFromCache(tampered), undefined);
    t.cache.revoke(ID, T0 + 1_200_000);
    assert.equal(t.authenticator.authenticateFromCache(credentials), undefined, "revoked: the full path answers 401");
  });

  it("stops at the token's expiry and after the revalidation window", async () => {
    const t = setup();
    const credentials = { scheme: "bearer" as const, token: t.token };
    await t.authenticator.authenticate(credentials, INFO);
    t.advance(30_001);
    assert.equal(t.authenticator.authenticateFromCache(credentials), undefined, "confirmation too old");
    await t.authenticator.authenticate(credentials, INFO);
    assert.ok(t.authenticator.authenticateFromCache(credentials));
    t.advance(1_200_000);
    assert.equal(t.authenticator.authenticateFromCache(credentials), undefined, "expired");
  });

  it("never vouches for a token under another signing key", async () => {
    const t = setup(createSecretKey(randomBytes(32)));
    const credentials = { scheme: "bearer" as const, token: t.token };
    assert.equal((await t.authenticator.authenticate(credentials, INFO)).status, "continue");
    assert.equal(t.authenticator.authenticateFromCache(credentials), undefined);
  });
});
