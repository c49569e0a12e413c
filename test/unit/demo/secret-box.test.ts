import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { decodeEncryptionKey } from "../../../demo-app/alerts/encryption-key.js";
import { SecretBox } from "../../../demo-app/alerts/secret-box.js";

describe("SecretBox (AES-256-GCM at rest)", () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);
  const encoded = Buffer.from("AAAAAAAAAAAAAAAAAAAA:secret-secret-secret").toString("base64");

  it("round-trips, with a fresh IV each time and no plaintext in the output", () => {
    const a = box.seal(encoded, "alert-1");
    const b = box.seal(encoded, "alert-1");
    assert.notEqual(a, b);
    assert.match(a, /^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    assert.ok(!a.includes(encoded) && !a.includes(Buffer.from(encoded).toString("base64url")));
    assert.equal(box.open(a, "alert-1"), encoded);
    assert.equal(box.open(b, "alert-1"), encoded);
  });

  it("refuses another context, another key, and any alteration", () => {
    const sealed = box.seal(encoded, "alert-1");
    assert.equal(box.open(sealed, "alert-2"), undefined);
    assert.equal(new SecretBox(randomBytes(32)).open(sealed, "alert-1"), undefined);
    const parts = sealed.split(".");
    const body = Buffer.from(parts[3] as string, "base64url");
    body[0] = (body[0] as number) ^ 1;
    assert.equal(box.open([parts[0], parts[1], parts[2], body.toString("base64url")].join("."), "alert-1"), undefined);
    for (const junk of ["", "v1", "v2.a.b.c", "v1.AAAA.BBBB.CCCC", sealed.replace(/^v1/, "v0")])
      assert.equal(box.open(junk, "alert-1"), undefined);
  });

  it("needs a 32-byte key", () => {
    assert.throws(() => new SecretBox(randomBytes(16)), TypeError);
  });
});

describe("decodeEncryptionKey", () => {
  it("accepts hex and base64 (standard or URL-safe) encodings of 32 bytes", () => {
    const raw = randomBytes(32);
    assert.deepEqual(decodeEncryptionKey(raw.toString("hex")), raw);
    assert.deepEqual(decodeEncryptionKey(raw.toString("base64")), raw);
    assert.deepEqual(decodeEncryptionKey(` ${raw.toString("base64url")}\n`), raw);
  });

  it("refuses other sizes with a TypeError that never repeats the value", () => {
    for (const value of [
      "",
      "short",
      randomBytes(16).toString("base64"),
      randomBytes(31).toString("hex"),
      randomBytes(33).toString("base64"),
      "z".repeat(64),
    ]) {
      assert.throws(
        () => decodeEncryptionKey(value),
        (error: unknown) =>
          error instanceof TypeError &&
          /KEYGUARD_DEMO_ENCRYPTION_KEY/.test(error.message) &&
          (value === "" || !error.message.includes(value)),
      );
    }
  });
});
