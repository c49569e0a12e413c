import assert from "node:assert/strict";
import { createHmac, createSecretKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import jwt from "jsonwebtoken";
import { signAccessToken, TOKEN_ISSUER, verifyAccessToken } from "../../../../lib/authc/token/access-token.js";

const KEY = createSecretKey(randomBytes(64));
const OTHER = createSecretKey(randomBytes(64));
const KID = "k1";
/** The verification keys of most cases: `KEY` under `KID`. */
const KEYS = (kid: string | undefined) => (kid === KID ? KEY : undefined);
const NOW = 1_800_000_000_000;
const ID = "AbCdEfGhIjKlMnOpQrSt";

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function token(overrides: Partial<{ id: string; exp: number }> = {}): string {
  const iat = Math.floor(NOW / 1000);
  return signAccessToken(
    { id: overrides.id ?? ID, subject: "alice", issuedAt: iat, expiresAt: overrides.exp ?? iat + 1200 },
    { id: KID, key: KEY },
  );
}

/** A JWT signed (HS256) with `key` over an arbitrary header and payload. */
function forge(header: unknown, payload: unknown, key: Buffer): string {
  const data = `${b64(header)}.${b64(payload)}`;
  return `${data}.${createHmac("sha256", key).update(data).digest("base64url")}`;
}

describe("access tokens (HS256 JWTs)", () => {
  it("signs jti/sub/iat/exp/iss and verifies them back", () => {
    const t = token();
    const payload = jwt.decode(t, { complete: true });
    assert.equal(payload?.header.alg, "HS256");
    assert.equal(payload?.header.kid, KID);
    assert.deepEqual(payload?.payload, { jti: ID, sub: "alice", iat: NOW / 1000, exp: NOW / 1000 + 1200, iss: TOKEN_ISSUER });
    assert.deepEqual(verifyAccessToken(t, KEYS, NOW), { status: "valid", id: ID, expiresAt: NOW + 1_200_000, kid: KID, key: KEY });
  });

  it("reports an authentic token past exp as expired (and valid when expiry is ignored)", () => {
    const t = token({ exp: NOW / 1000 + 1 });
    assert.equal(verifyAccessToken(t, KEYS, NOW + 999).status, "valid");
    assert.deepEqual(verifyAccessToken(t, KEYS, NOW + 1000), { status: "expired", id: ID });
    assert.equal(verifyAccessToken(t, KEYS, NOW + 5000, true).status, "valid");
  });

  it("refuses a wrong signature, tampering, alg none, other algorithms, foreign issuers and junk", () => {
    const good = token();
    const [h, p, s] = good.split(".") as [string, string, string];
    const otherKey = signAccessToken(
      { id: ID, subject: "alice", issuedAt: NOW / 1000, expiresAt: NOW / 1000 + 60 },
      { id: KID, key: OTHER },
    );
    const tamperedPayload = `${h}.${b64({ jti: ID, sub: "elastic", iat: NOW / 1000, exp: NOW / 1000 + 60, iss: TOKEN_ISSUER })}.${s}`;
    const flippedSignature = `${h}.${p}.${s.slice(0, -2)}${s.endsWith("AA") ? "BB" : "AA"}`;
    const none = `${b64({ alg: "none", typ: "JWT", kid: KID })}.${p}.`;
    const noneUpper = `${b64({ alg: "None", typ: "JWT", kid: KID })}.${p}.`;
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const rs256 = jwt.sign({ jti: ID, exp: NOW / 1000 + 60, iss: TOKEN_ISSUER }, rsa.privateKey, { algorithm: "RS256", keyid: KID });
    const raw = KEY.export();
    const hs512 = jwt.sign({ jti: ID, exp: NOW / 1000 + 60, iss: TOKEN_ISSUER }, raw, { algorithm: "HS512", keyid: KID });
    const foreignIssuer = forge({ alg: "HS256", typ: "JWT", kid: KID }, { jti: ID, exp: NOW / 1000 + 60, iss: "someone-else" }, raw);
    const noExp = forge({ alg: "HS256", typ: "JWT", kid: KID }, { jti: ID, iss: TOKEN_ISSUER }, raw);
    const badId = forge({ alg: "HS256", typ: "JWT", kid: KID }, { jti: "$where", exp: NOW / 1000 + 60, iss: TOKEN_ISSUER }, raw);
    const expiredForeign = forge({ alg: "HS256", typ: "JWT", kid: KID }, { jti: ID, exp: NOW / 1000 - 60, iss: "someone-else" }, raw);
    for (const [name, value] of Object.entries({
      otherKey,
      tamperedPayload,
      flippedSignature,
      none,
      noneUpper,
      rs256,
      hs512,
      foreignIssuer,
      noExp,
      badId,
      expiredForeign,
      empty: "",
      junk: "not-a-jwt",
      twoParts: `${h}.${p}`,
      garbage: "a.b.c",
    })) {
      assert.deepEqual(verifyAccessToken(value, KEYS, NOW), { status: "invalid" }, name);
      assert.deepEqual(verifyAccessToken(value, KEYS, NOW, true), { status: "invalid" }, `${name} (ignoring expiry)`);
    }
    // The forging helper itself produces tokens we accept when everything is right.
    assert.equal(
      verifyAccessToken(forge({ alg: "HS256", typ: "JWT", kid: KID }, { jti: ID, exp: NOW / 1000 + 60, iss: TOKEN_ISSUER }, raw), KEYS, NOW)
        .status,
      "valid",
    );
  });

  it("chooses the key by the header's kid: unknown or retired kids are unknown_key, a kid that is not a string is invalid", () => {
    const raw = KEY.export();
    const claims = { jti: ID, exp: NOW / 1000 + 60, iss: TOKEN_ISSUER };
    const ring = (kid: string | undefined) => (kid === KID ? KEY : kid === "old" ? OTHER : kid === undefined ? OTHER : undefined);
    const byOld = signAccessToken(
      { id: ID, subject: "alice", issuedAt: NOW / 1000, expiresAt: NOW / 1000 + 60 },
      { id: "old", key: OTHER },
    );
    assert.deepEqual(verifyAccessToken(byOld, ring, NOW), { status: "valid", id: ID, expiresAt: NOW + 60_000, kid: "old", key: OTHER });
    // A token from before kids verifies with the key given for `undefined` (the legacy key).
    const legacy = jwt.sign(claims, OTHER, { algorithm: "HS256" });
    assert.equal(jwt.decode(legacy, { complete: true })?.header.kid, undefined);
    assert.deepEqual(verifyAccessToken(legacy, ring, NOW), {
      status: "valid",
      id: ID,
      expiresAt: NOW + 60_000,
      kid: undefined,
      key: OTHER,
    });
    // The right key under a wrong kid, or the kid of another key: the signature does not verify.
    assert.deepEqual(verifyAccessToken(forge({ alg: "HS256", typ: "JWT", kid: "old" }, claims, raw), ring, NOW), { status: "invalid" });
    assert.deepEqual(verifyAccessToken(forge({ alg: "HS256", typ: "JWT", kid: "gone" }, claims, raw), ring, NOW), {
      status: "unknown_key",
      kid: "gone",
    });
    assert.deepEqual(verifyAccessToken(forge({ alg: "HS256", typ: "JWT" }, claims, raw), KEYS, NOW), {
      status: "unknown_key",
      kid: undefined,
    });
    for (const kid of [7, null, ["k1"], { k: 1 }]) {
      assert.deepEqual(
        verifyAccessToken(forge({ alg: "HS256", typ: "JWT", kid }, claims, raw), KEYS, NOW),
        { status: "invalid" },
        JSON.stringify(kid),
      );
    }
    assert.deepEqual(verifyAccessToken(`${b64([1])}.${b64(claims)}.x`, KEYS, NOW), { status: "invalid" });
  });

  it("verifies in microseconds with a KeyObject", () => {
    const t = token();
    const n = 20_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) verifyAccessToken(t, KEYS, NOW);
    const perOpUs = Number(process.hrtime.bigint() - started) / n / 1000;
    process.stdout.write(`# access-token verification: ${perOpUs.toFixed(2)} µs/op\n`);
    assert.ok(perOpUs < 200, `verification took ${perOpUs.toFixed(2)} µs`);
  });
});
