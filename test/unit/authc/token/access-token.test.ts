import assert from "node:assert/strict";
import { createHmac, createSecretKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import jwt from "jsonwebtoken";
import { signAccessToken, TOKEN_ISSUER, verifyAccessToken } from "../../../../lib/authc/token/access-token.js";

const KEY = createSecretKey(randomBytes(64));
const OTHER = createSecretKey(randomBytes(64));
const NOW = 1_800_000_000_000;
const ID = "AbCdEfGhIjKlMnOpQrSt";

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function token(overrides: Partial<{ id: string; exp: number }> = {}): string {
  const iat = Math.floor(NOW / 1000);
  return signAccessToken({ id: overrides.id ?? ID, subject: "alice", issuedAt: iat, expiresAt: overrides.exp ?? iat + 1200 }, KEY);
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
    assert.deepEqual(payload?.payload, { jti: ID, sub: "alice", iat: NOW / 1000, exp: NOW / 1000 + 1200, iss: TOKEN_ISSUER });
    assert.deepEqual(verifyAccessToken(t, KEY, NOW), { status: "valid", id: ID, expiresAt: NOW + 1_200_000 });
  });

  it("reports an authentic token past exp as expired (and valid when expiry is ignored)", () => {
    const t = token({ exp: NOW / 1000 + 1 });
    assert.equal(verifyAccessToken(t, KEY, NOW + 999).status, "valid");
    assert.deepEqual(verifyAccessToken(t, KEY, NOW + 1000), { status: "expired", id: ID });
    assert.equal(verifyAccessToken(t, KEY, NOW + 5000, true).status, "valid");
  });

  it("refuses a wrong signature, tampering, alg none, other algorithms, foreign issuers and junk", () => {
    const good = token();
    const [h, p, s] = good.split(".") as [string, string, string];
    const otherKey = signAccessToken({ id: ID, subject: "alice", issuedAt: NOW / 1000, expiresAt: NOW / 1000 + 60 }, OTHER);
    const tamperedPayload = `${h}.${b64({ jti: ID, sub: "elastic", iat: NOW / 1000, exp: NOW / 1000 + 60, iss: TOKEN_ISSUER })}.${s}`;
    const flippedSignature = `${h}.${p}.${s.slice(0, -2)}${s.endsWith("AA") ? "BB" : "AA"}`;
    const none = `${b64({ alg: "none", typ: "JWT" })}.${p}.`;
    const noneUpper = `${b64({ alg: "None", typ: "JWT" })}.${p}.`;
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const rs256 = jwt.sign({ jti: ID, exp: NOW / 1000 + 60, iss: TOKEN_ISSUER }, rsa.privateKey, { algorithm: "RS256" });
    const raw = KEY.export();
    const hs512 = jwt.sign({ jti: ID, exp: NOW / 1000 + 60, iss: TOKEN_ISSUER }, raw, { algorithm: "HS512" });
    const foreignIssuer = forge({ alg: "HS256", typ: "JWT" }, { jti: ID, exp: NOW / 1000 + 60, iss: "someone-else" }, raw);
    const noExp = forge({ alg: "HS256", typ: "JWT" }, { jti: ID, iss: TOKEN_ISSUER }, raw);
    const badId = forge({ alg: "HS256", typ: "JWT" }, { jti: "$where", exp: NOW / 1000 + 60, iss: TOKEN_ISSUER }, raw);
    const expiredForeign = forge({ alg: "HS256", typ: "JWT" }, { jti: ID, exp: NOW / 1000 - 60, iss: "someone-else" }, raw);
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
      assert.deepEqual(verifyAccessToken(value, KEY, NOW), { status: "invalid" }, name);
      assert.deepEqual(verifyAccessToken(value, KEY, NOW, true), { status: "invalid" }, `${name} (ignoring expiry)`);
    }
    // The forging helper itself produces tokens we accept when everything is right.
    assert.equal(
      verifyAccessToken(forge({ alg: "HS256", typ: "JWT" }, { jti: ID, exp: NOW / 1000 + 60, iss: TOKEN_ISSUER }, raw), KEY, NOW).status,
      "valid",
    );
  });

  it("verifies in microseconds with a KeyObject", () => {
    const t = token();
    const n = 20_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) verifyAccessToken(t, KEY, NOW);
    const perOpUs = Number(process.hrtime.bigint() - started) / n / 1000;
    process.stdout.write(`# access-token verification: ${perOpUs.toFixed(2)} µs/op\n`);
    assert.ok(perOpUs < 200, `verification took ${perOpUs.toFixed(2)} µs`);
  });
});
