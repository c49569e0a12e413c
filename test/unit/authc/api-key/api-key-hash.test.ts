import assert from "node:assert/strict";
import { createHash, pbkdf2Sync } from "node:crypto";
import { describe, it } from "node:test";
import bcrypt from "bcryptjs";
import {
  ApiKeyHasher,
  hashFormatOf,
  hashPbkdf2,
  hashSsha256,
  verifyPbkdf2,
  verifySsha256,
} from "../../../../lib/authc/api-key/api-key-hash.js";

const SECRET = "aF3kLm9QrT2vWx7Yz1B4cD";

// A bcrypt stand-in running in-process (the real one runs on worker threads).
const inline = {
  hash: async (s: string) => bcrypt.hashSync(s, 4),
  verify: async (s: string, h: string) => bcrypt.compareSync(s, h),
};

describe("api-key hash formats", () => {
  it("{SSHA256}: prefix + base64(8-byte salt) + base64(SHA-256(secret ‖ salt)), Elasticsearch's layout", () => {
    const salt = Buffer.from("0001020304050607", "hex");
    const hash = hashSsha256(SECRET, salt);
    const digest = createHash("sha256").update(SECRET, "utf8").update(salt).digest("base64");
    assert.equal(hash, `{SSHA256}${salt.toString("base64")}${digest}`);
    assert.equal(hash.length, 9 + 12 + 44);
    assert.equal(verifySsha256(SECRET, hash), true);
    assert.equal(verifySsha256(SECRET + "x", hash), false);
    assert.notEqual(hashSsha256(SECRET), hashSsha256(SECRET), "salted");
  });

  it("{SSHA256} verification never throws on malformed input", () => {
    for (const bad of [
      "",
      "{SSHA256}",
      "{SSHA256}!!!!!!!!!!!!abc",
      "{SSHA256}AAECAwQFBgc=",
      "{SSHA256}AAECAwQFBgc=" + "A".repeat(43),
      "{SHA}abc",
    ]) {
      assert.equal(verifySsha256(SECRET, bad), false, bad);
    }
  });

  it("{PBKDF2}: HmacSHA512, 10,000 iterations, 32-byte salt and key, verifiable against an independent computation", async () => {
    const hash = await hashPbkdf2(SECRET);
    const match = /^\{PBKDF2\}10000\$([A-Za-z0-9+/=]{44})\$([A-Za-z0-9+/=]{44})$/.exec(hash);
    assert.ok(match, hash);
    const salt = Buffer.from(match[1] as string, "base64");
    assert.equal(salt.length, 32);
    assert.equal(pbkdf2Sync(SECRET, salt, 10_000, 32, "sha512").toString("base64"), match[2]);
    assert.equal(await verifyPbkdf2(SECRET, hash), true);
    assert.equal(await verifyPbkdf2("wrong", hash), false);
  });

  it("{PBKDF2} verification reads the cost and lengths from the hash, and refuses malformed or absurd ones", async () => {
    const salt = Buffer.alloc(16, 7);
    const key = pbkdf2Sync(SECRET, salt, 1000, 64, "sha512");
    assert.equal(await verifyPbkdf2(SECRET, `{PBKDF2}1000$${salt.toString("base64")}$${key.toString("base64")}`), true);
    const stretchKey = pbkdf2Sync(createHash("sha512").update(SECRET).digest("hex"), salt, 1000, 32, "sha512");
    assert.equal(await verifyPbkdf2(SECRET, `{PBKDF2_STRETCH}1000$${salt.toString("base64")}$${stretchKey.toString("base64")}`), true);
    for (const bad of [
      "{PBKDF2}",
      "{PBKDF2}abc$x$y",
      `{PBKDF2}0$${salt.toString("base64")}$${key.toString("base64")}`,
      `{PBKDF2}99999999$${salt.toString("base64")}$${key.toString("base64")}`,
      `{PBKDF2}1000$${Buffer.alloc(4).toString("base64")}$${key.toString("base64")}`,
      `{PBKDF2}1000$${salt.toString("base64")}$${Buffer.alloc(10).toString("base64")}`,
      `{PBKDF2}1000$${salt.toString("base64")}`,
    ]) {
      assert.equal(await verifyPbkdf2(SECRET, bad), false, bad);
    }
  });

  it("detects the format from the prefix; the hasher verifies every format whatever it writes", async () => {
    assert.equal(hashFormatOf("{SSHA256}x"), "ssha256");
    assert.equal(hashFormatOf("{PBKDF2}x"), "pbkdf2");
    assert.equal(hashFormatOf("{PBKDF2_STRETCH}x"), "pbkdf2");
    assert.equal(hashFormatOf("$2a$10$x"), "bcrypt");
    assert.equal(hashFormatOf("{BCRYPT}$2a$10$x"), "bcrypt");
    assert.equal(hashFormatOf("plain"), undefined);

    const hashers = (["ssha256", "pbkdf2", "bcrypt"] as const).map((algorithm) => new ApiKeyHasher(algorithm, inline));
    const hashes = await Promise.all(hashers.map((h) => h.hash(SECRET)));
    assert.match(hashes[0] as string, /^\{SSHA256\}/);
    assert.match(hashes[1] as string, /^\{PBKDF2\}/);
    assert.match(hashes[2] as string, /^\$2[ab]\$04\$/);
    for (const hasher of hashers) {
      for (const hash of [...hashes, `{BCRYPT}${hashes[2]}`]) {
        assert.equal(await hasher.verify(SECRET, hash), true, `${hasher.algorithm} verifies ${hash.slice(0, 12)}`);
        assert.equal(await hasher.verify("not-the-secret", hash), false);
      }
      assert.equal(await hasher.verify(SECRET, SECRET), false, "an unprefixed value is never compared as plain text");
    }
  });
});
