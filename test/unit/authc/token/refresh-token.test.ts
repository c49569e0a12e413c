import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import {
  generateRefreshToken,
  hashRefreshToken,
  isPlausibleRefreshToken,
  openSupersedingPair,
  sealSupersedingPair,
} from "../../../../lib/authc/token/refresh-token.js";

describe("refresh tokens", () => {
  it("are 256 random bits, base64url, never repeated", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const t = generateRefreshToken();
      assert.match(t, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(t, "base64url").length, 32);
      assert.ok(isPlausibleRefreshToken(t));
      seen.add(t);
    }
    assert.equal(seen.size, 1000);
    for (const bad of ["", "short", "x".repeat(44), "$".repeat(43), "a".repeat(42) + "="])
      assert.equal(isPlausibleRefreshToken(bad), false, bad);
  });

  it("are stored as their SHA-256 only", () => {
    const t = generateRefreshToken();
    const stored = hashRefreshToken(t);
    assert.equal(stored, createHash("sha256").update(t).digest("base64url"));
    assert.ok(!stored.includes(t));
    assert.notEqual(hashRefreshToken(generateRefreshToken()), stored);
  });

  it("seal the superseding pair so only the spent refresh token opens it", () => {
    const spent = generateRefreshToken();
    const pair = { accessToken: "header.payload.signature", refreshToken: generateRefreshToken() };
    const sealed = sealSupersedingPair(spent, pair);
    assert.ok(!sealed.includes(pair.refreshToken) && !sealed.includes("payload"));
    assert.deepEqual(openSupersedingPair(spent, sealed), pair);
    assert.notEqual(sealSupersedingPair(spent, pair), sealed, "fresh salt and IV every time");
    assert.equal(openSupersedingPair(generateRefreshToken(), sealed), undefined);
    const parts = sealed.split(".");
    const data = Buffer.from(parts[3] as string, "base64url");
    data[0] = (data[0] as number) ^ 1;
    parts[3] = data.toString("base64url");
    assert.equal(openSupersedingPair(spent, parts.join(".")), undefined, "tampered ciphertext");
    for (const junk of ["", "a.b", "a.b.c.d", "....."]) assert.equal(openSupersedingPair(spent, junk), undefined, junk);
  });
});
