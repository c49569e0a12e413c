import assert from "node:assert/strict";
import { createSecretKey, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { Authentication } from "../../../lib/model/authentication.js";
import { AuthenticatorChain, type AuthRequestInfo } from "../../../lib/authc/authenticator-chain.js";
import { ParsedAuthorization } from "../../../lib/authc/parsed-authorization.js";
import { signAccessToken } from "../../../lib/authc/token/access-token.js";
import type { SettingsStore } from "../../../lib/store/settings-store.js";
import { JwtSigningKey } from "../../../lib/authc/token/jwt-signing-key.js";
import { SigningKeyRing } from "../../../lib/authc/token/signing-key-ring.js";
import { encodeTokenSubject } from "../../../lib/authc/token/token-authentication.js";
import { TokenAuthenticator } from "../../../lib/authc/token/token-authenticator.js";
import { TokenCache } from "../../../lib/authc/token/token-cache.js";
import type { TokenDoc } from "../../../lib/store/store-documents.js";

const KEY = createSecretKey(randomBytes(32));
const T0 = 1_800_000_000_000;
const INFO = { uri: "/", request: {} };

function setup() {
  let now = T0;
  let reads = 0;
  const subject = new Authentication({
    user: { username: "alice", roles: [], full_name: null, email: null, metadata: {}, enabled: true },
    authenticationRealm: { name: "native", type: "native" },
    type: "realm",
  });
  const docs = new Map<string, TokenDoc>();
  const cache = new TokenCache({ maxEntries: 2 });
  const authenticator = new TokenAuthenticator(
    new JwtSigningKey({} as SettingsStore, new SigningKeyRing({ id: "k1", key: KEY }, [])),
    {
      get: async (id) => {
        reads++;
        return docs.get(id) ?? null;
      },
    },
    cache,
    { revalidateMs: 30_000, clock: () => now },
  );
  const raw = new AuthenticatorChain([], undefined);
  raw.use(authenticator);
  // The chain as a request reaches it: with the header parsed once by the middleware.
  const chain = {
    authenticateFromCache: (header: string) => raw.authenticateFromCache(new ParsedAuthorization(header)),
    authenticate: (header: string, info: AuthRequestInfo, anonymous: boolean) =>
      raw.authenticate(new ParsedAuthorization(header), info, anonymous),
  };
  const mint = (id: string) => {
    docs.set(id, { _id: id, invalidated: false, api_key_id: null, authentication: encodeTokenSubject(subject) } as unknown as TokenDoc);
    return signAccessToken({ id, subject: "alice", issuedAt: T0 / 1000, expiresAt: T0 / 1000 + 1200 }, { id: "k1", key: KEY });
  };
  return {
    chain,
    cache,
    mint,
    advance: (ms: number) => (now += ms),
    get reads() {
      return reads;
    },
  };
}

describe("Bearer cache hit through the chain", () => {
  it("answers only a token verified before, whatever the scheme's case and surrounding spaces", async () => {
    const t = setup();
    const token = t.mint("tokenid0000000000001");
    assert.equal(t.chain.authenticateFromCache(`Bearer ${token}`), undefined, "never verified: the full path decides");
    assert.equal((await t.chain.authenticate(`Bearer ${token}`, INFO, false)).user.username, "alice");
    for (const header of [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer  ${token} `, `  Bearer ${token}`]) {
      assert.equal(t.chain.authenticateFromCache(header)?.user.username, "alice", JSON.stringify(header.slice(0, 12)));
    }
    // Not the verified token: a miss (the full path then refuses these as it always did).
    for (const header of [
      `Bearer ${token}x`,
      `Bearer ${token.slice(0, 20)} ${token.slice(20)}`,
      `Bearer ${token}\u0000`,
      "Bearer ",
      `Bearerx${token}`,
      `Basic ${token}`,
    ]) {
      assert.equal(t.chain.authenticateFromCache(header), undefined, JSON.stringify(header.slice(0, 12)));
    }
    await assert.rejects(t.chain.authenticate(`Bearer ${token.slice(0, 20)} ${token.slice(20)}`, INFO, false), { status: 401 });
  });

  it("stops at once on revocation and after the revalidation window, as the full path does", async () => {
    const t = setup();
    const token = t.mint("tokenid0000000000002");
    await t.chain.authenticate(`Bearer ${token}`, INFO, false);
    assert.ok(t.chain.authenticateFromCache(`Bearer ${token}`));
    t.advance(30_001);
    assert.equal(t.chain.authenticateFromCache(`Bearer ${token}`), undefined, "confirmation too old");
    await t.chain.authenticate(`Bearer ${token}`, INFO, false);
    assert.ok(t.chain.authenticateFromCache(`Bearer ${token}`), "confirmed again");
    t.cache.revoke("tokenid0000000000002", T0 + 1_200_000);
    assert.equal(t.chain.authenticateFromCache(`Bearer ${token}`), undefined, "revoked");
    await assert.rejects(t.chain.authenticate(`Bearer ${token}`, INFO, false), { status: 401, reason: "token expired" });
  });

  it("keeps the token cache least-recently-used although a repeated hit does not reorder it", async () => {
    const t = setup();
    const [a, b, c] = ["tokenid000000000000a", "tokenid000000000000b", "tokenid000000000000c"];
    const ta = t.mint(a);
    const tb = t.mint(b);
    const tc = t.mint(c);
    await t.chain.authenticate(`Bearer ${ta}`, INFO, false);
    await t.chain.authenticate(`Bearer ${tb}`, INFO, false);
    // Hits on a (twice: the second one finds it already most recent), so b is the oldest.
    assert.ok(t.chain.authenticateFromCache(`Bearer ${ta}`));
    assert.ok(t.chain.authenticateFromCache(`Bearer ${ta}`));
    await t.chain.authenticate(`Bearer ${tc}`, INFO, false); // evicts b (maxEntries 2)
    const reads = t.reads;
    assert.ok(t.chain.authenticateFromCache(`Bearer ${ta}`), "a stayed");
    assert.ok(t.chain.authenticateFromCache(`Bearer ${tc}`), "c is cached");
    assert.equal(t.chain.authenticateFromCache(`Bearer ${tb}`), undefined, "b was the least recently used");
    await t.chain.authenticate(`Bearer ${tb}`, INFO, false);
    assert.equal(t.reads, reads + 1, "b is read again");
  });
});
