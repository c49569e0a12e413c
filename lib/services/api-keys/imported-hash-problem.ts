import { isBcryptHash } from "../../support/password-hasher.js";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** The verifier's bounds (api-key-hash.ts): a hash outside them would never verify. */
const PBKDF2_MAX_ITERATIONS = 10_000_000;
const PBKDF2_MIN_SALT_BYTES = 8;
const SSHA256_SALT_CHARS = 12;
const SHA256_BYTES = 32;
const MAX_HASH_LENGTH = 1024;

function base64Bytes(value: string): number | undefined {
  if (value.length === 0 || value.length % 4 !== 0 || !BASE64.test(value)) return undefined;
  return Buffer.from(value, "base64").length;
}

function pbkdf2Problem(body: string, prefix: string): string | undefined {
  const parts = body.split("$");
  if (parts.length !== 3) return `a ${prefix} hash is ${prefix}<iterations>$<base64 salt>$<base64 key>`;
  const [iterations = "", salt = "", key = ""] = parts;
  if (!/^\d{1,8}$/.test(iterations) || Number(iterations) < 1 || Number(iterations) > PBKDF2_MAX_ITERATIONS) {
    return `${prefix} iterations must be a whole number from 1 to ${PBKDF2_MAX_ITERATIONS}`;
  }
  const saltBytes = base64Bytes(salt);
  if (saltBytes === undefined || saltBytes < PBKDF2_MIN_SALT_BYTES)
    return `${prefix} salt must be base64 of at least ${PBKDF2_MIN_SALT_BYTES} bytes`;
  const keyBytes = base64Bytes(key);
  if (keyBytes === undefined || keyBytes === 0 || keyBytes % 16 !== 0) return `${prefix} key must be base64 of a multiple of 16 bytes`;
  return undefined;
}

/**
 * Why `hash` cannot be stored as an imported API-key hash, or `undefined` when the verifier
 * (`ApiKeyHasher.verify`) accepts its format: Elasticsearch's `{SSHA256}` (8-byte salt, SHA-256),
 * `{PBKDF2}` and `{PBKDF2_STRETCH}` (SHA-512, iterations ≤ 10,000,000), and bcrypt as
 * Elasticsearch stores it (`$2a$`/`$2b$`/`$2y$`, also behind a `{BCRYPT}` prefix). The message
 * never contains the hash.
 */
export function importedHashProblem(hash: string): string | undefined {
  if (hash.length > MAX_HASH_LENGTH) return `hash is longer than ${MAX_HASH_LENGTH} characters`;
  if (hash.startsWith("{SSHA256}")) {
    const body = hash.slice("{SSHA256}".length);
    const salt = base64Bytes(body.slice(0, SSHA256_SALT_CHARS));
    const sumBytes = base64Bytes(body.slice(SSHA256_SALT_CHARS));
    if (salt !== 8 || sumBytes !== SHA256_BYTES)
      return "a {SSHA256} hash is {SSHA256}<base64 of an 8-byte salt><base64 of a 32-byte SHA-256>";
    return undefined;
  }
  if (hash.startsWith("{PBKDF2_STRETCH}")) return pbkdf2Problem(hash.slice("{PBKDF2_STRETCH}".length), "{PBKDF2_STRETCH}");
  if (hash.startsWith("{PBKDF2}")) return pbkdf2Problem(hash.slice("{PBKDF2}".length), "{PBKDF2}");
  const bcrypt = hash.startsWith("{BCRYPT}") ? hash.slice("{BCRYPT}".length) : hash;
  if (bcrypt.startsWith("$2"))
    return isBcryptHash(bcrypt) ? undefined : "a bcrypt hash is $2a$, $2b$ or $2y$, a two-digit cost and 53 characters";
  return "unsupported hash format: expected {SSHA256}, {PBKDF2}, {PBKDF2_STRETCH}, {BCRYPT} or a $2a$/$2b$/$2y$ bcrypt hash";
}
