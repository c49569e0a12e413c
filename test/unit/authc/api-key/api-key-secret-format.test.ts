import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  ApiKeySecretFormat,
  DEFAULT_SECRET_PREFIX,
  hasValidChecksum,
  secretChecksum,
  SECRET_BODY_LENGTH,
} from "../../../../lib/authc/api-key/api-key-secret-format.js";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** An independent, bitwise CRC-32 (IEEE 802.3), to check the library against. */
function referenceCrc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, "latin1")) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function decodeBase62(text: string): number {
  let value = 0;
  for (const char of text) value = value * 62 + ALPHABET.indexOf(char);
  return value;
}

/** The README's scanner regex for the default prefix. */
const SCANNER = /\bkg_[0-9A-Za-z]{28}(?![0-9A-Za-z])/g;

const format = new ApiKeySecretFormat();

describe("API-key secret format", () => {
  it("issues kg_ + 22 random base62 + 6 base62 CRC-32 of the random part", () => {
    assert.equal(DEFAULT_SECRET_PREFIX, "kg_");
    assert.equal(hasValidChecksum("kg_4pZ0r8QmT1xv9LcY2bNw7e12Auvc"), true, "the README's example");
    for (let i = 0; i < 200; i++) {
      const secret = format.generate();
      assert.match(secret, /^kg_[0-9A-Za-z]{28}$/);
      assert.equal(secret.length, format.length);
      const random = secret.slice(3, 25);
      assert.equal(decodeBase62(secret.slice(25)), referenceCrc32(random));
      assert.equal(hasValidChecksum(secret), true);
      assert.equal(format.refuses(secret), false);
    }
  });

  it("checksum matches the standard CRC-32 check value and is zero-padded to 6 characters", () => {
    assert.equal(decodeBase62(secretChecksum("123456789")), 0xcbf43926);
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Za-z]{22}$/), (random) => {
        const checksum = secretChecksum(random);
        return checksum.length === 6 && decodeBase62(checksum) === referenceCrc32(random);
      }),
      { numRuns: 500 },
    );
  });

  it("is random: 5,000 secrets are distinct and use every base62 character at a plausible rate", () => {
    const seen = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const secret = format.generate();
      seen.add(secret);
      for (const char of secret.slice(3, 25)) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    assert.equal(seen.size, 5000);
    assert.equal(counts.size, 62);
    // 110,000 characters: 1,774 expected per character, σ ≈ 42. A modulo bias would show ±25%.
    for (const [char, count] of counts) assert.ok(count > 1500 && count < 2050, `${char}: ${count}`);
  });

  it("refuses every single-character substitution and every adjacent swap (fuzzed)", () => {
    fc.assert(
      fc.property(fc.nat(SECRET_BODY_LENGTH - 1), fc.constantFrom(...ALPHABET), (offset, replacement) => {
        const secret = format.generate();
        const index = 3 + offset;
        fc.pre(secret[index] !== replacement);
        const typo = secret.slice(0, index) + replacement + secret.slice(index + 1);
        return format.refuses(typo);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.nat(SECRET_BODY_LENGTH - 2), (offset) => {
        const secret = format.generate();
        const index = 3 + offset;
        fc.pre(secret[index] !== secret[index + 1]);
        const swapped = secret.slice(0, index) + secret[index + 1] + secret[index] + secret.slice(index + 2);
        return format.refuses(swapped);
      }),
      { numRuns: 3000 },
    );
  });

  it("refuses made-up secrets of the issued shape (random garbage, non-base62 characters)", () => {
    let refused = 0;
    const runs = 2000;
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Za-z]{28}$/), (body) => {
        if (format.refuses("kg_" + body)) refused++;
        return true;
      }),
      { numRuns: runs },
    );
    // A random body passes the CRC with probability 2^-32.
    assert.equal(refused, runs);
    const valid = format.generate();
    for (const bad of ["-", "_", "+", "/", "=", "é", " "]) {
      assert.equal(format.refuses(valid.slice(0, 10) + bad + valid.slice(11)), true, bad);
      assert.equal(format.refuses(valid.slice(0, -1) + bad), true, bad);
    }
  });

  it("leaves every other shape to the normal path: other lengths, other prefixes, Elasticsearch's 22-char secrets", () => {
    const valid = format.generate();
    assert.equal(format.refuses(valid.slice(0, -1)), false, "truncated: another length");
    assert.equal(format.refuses(valid + "x"), false, "extended: another length");
    assert.equal(format.refuses("AbCdEfGhIjKlMnOpQrStUv"), false, "Elasticsearch format");
    assert.equal(format.refuses("kg_" + "a".repeat(27)), false);
    assert.equal(format.refuses("xx_" + valid.slice(3, -1) + "0"), false, "another prefix of the same length");
    assert.equal(format.refuses(""), false);
  });

  it("recognises its structure under any prefix, so a key issued before a prefix change stays valid", () => {
    const old = new ApiKeySecretFormat("acme_live_").generate();
    const current = new ApiKeySecretFormat("kg_");
    assert.equal(hasValidChecksum(old), true);
    assert.equal(current.refuses(old), false);
    // Same length as the old secret, configured prefix, broken checksum: refused.
    const longer = new ApiKeySecretFormat("kg_extra__");
    assert.equal(longer.length, old.length);
    assert.equal(longer.refuses(old), false, "does not start with the configured prefix");
    assert.equal(longer.refuses("kg_extra__" + old.slice(10, -1) + (old.endsWith("0") ? "1" : "0")), true);
  });

  it("the README's scanner regexes find secrets in text and in the encoded id:secret form", () => {
    const secret = format.generate();
    const text = `config = { apiKey: "${secret}" } // and ${format.generate()}`;
    const found = text.match(SCANNER) ?? [];
    assert.equal(found.length, 2);
    assert.ok(found.every(hasValidChecksum));
    // 20-char id + ":" = 21 bytes = 28 base64 characters: the secret starts on a base64 group
    // boundary, and "kg_" encodes to "a2df".
    const encoded = Buffer.from(`${"i".repeat(20)}:${secret}`).toString("base64");
    assert.match(encoded, /^[A-Za-z0-9+/]{28}a2df[A-Za-z0-9+/]{38}==$/);
  });

  it("refuses a bad prefix with a TypeError", () => {
    for (const prefix of ["", "a b", "kg.", "x".repeat(17), "kg$", 5 as unknown as string]) {
      assert.throws(() => new ApiKeySecretFormat(prefix), TypeError, String(prefix));
    }
    assert.equal(new ApiKeySecretFormat("A-z_09").prefix, "A-z_09");
  });
});
