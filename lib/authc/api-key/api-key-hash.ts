import { createHash, randomBytes } from "node:crypto";
import type { PasswordHasher } from "../../support/password-hasher.js";
import {
  decodeBase64,
  equalBuffers,
  hashPbkdf2,
  PBKDF2_ITERATIONS,
  PBKDF2_LIMIT,
  PBKDF2_PREFIX,
  PBKDF2_STRETCH_PREFIX,
  verifyPbkdf2,
} from "../../support/pbkdf2-hash.js";
import type { ApiKeyHashAlgorithm } from "../../model/api-key-options.js";

export { hashPbkdf2, PBKDF2_ITERATIONS, verifyPbkdf2 };

const SSHA256_PREFIX = "{SSHA256}";
const BCRYPT_PREFIX = "{BCRYPT}";

/**
 * `{SSHA256}` + base64(8-byte salt) (12 chars) + base64(SHA-256(utf8(secret) ‖ salt)), exactly
 * Elasticsearch's `Hasher.SSHA256` layout, so documents move between the two unchanged.
 */
export function hashSsha256(secret: string, salt: Buffer = randomBytes(8)): string {
  const digest = createHash("sha256").update(secret, "utf8").update(salt).digest();
  return SSHA256_PREFIX + salt.toString("base64") + digest.toString("base64");
}

export function verifySsha256(secret: string, stored: string): boolean {
  if (!stored.startsWith(SSHA256_PREFIX)) return false;
  const rest = stored.slice(SSHA256_PREFIX.length);
  const salt = decodeBase64(rest.slice(0, 12));
  const expected = decodeBase64(rest.slice(12));
  if (!salt || !expected) return false;
  const digest = createHash("sha256").update(secret, "utf8").update(salt).digest();
  return equalBuffers(digest, expected);
}

/** The stored-hash family a hash belongs to, from its prefix; `undefined` when unrecognised. */
export function hashFormatOf(stored: string): ApiKeyHashAlgorithm | undefined {
  if (stored.startsWith(SSHA256_PREFIX)) return "ssha256";
  if (stored.startsWith(PBKDF2_PREFIX) || stored.startsWith(PBKDF2_STRETCH_PREFIX)) return "pbkdf2";
  if (stored.startsWith(BCRYPT_PREFIX) || /^\$2[aby]\$/.test(stored)) return "bcrypt";
  return undefined;
}

/**
 * Hashes new API-key secrets with the configured algorithm and verifies any supported stored
 * format, picked by its prefix (mixed formats in one collection are fine, as in Elasticsearch).
 *
 * Slow formats never run on the event loop: PBKDF2 uses `crypto.pbkdf2` (libuv pool), bcrypt the
 * shared {@link PasswordHasher} worker threads. bcrypt hashes are stored as Elasticsearch stores
 * them (`$2a$…`, `$2b$…`, no prefix); a `{BCRYPT}` prefix is also accepted when verifying.
 */
export class ApiKeyHasher {
  /** PBKDF2 jobs at once, shared with the native realm's password checks ({@link PBKDF2_LIMIT}). */
  static readonly pbkdf2 = PBKDF2_LIMIT;

  constructor(
    readonly algorithm: ApiKeyHashAlgorithm,
    private readonly bcrypt: Pick<PasswordHasher, "hash" | "verify">,
  ) {}

  async hash(secret: string): Promise<string> {
    switch (this.algorithm) {
      case "ssha256":
        return hashSsha256(secret);
      case "pbkdf2":
        return ApiKeyHasher.pbkdf2.run(() => hashPbkdf2(secret));
      case "bcrypt":
        return this.bcrypt.hash(secret);
    }
  }

  /** Whether `secret` matches `stored`; false for unknown or malformed formats (never throws on them). */
  async verify(secret: string, stored: string): Promise<boolean> {
    switch (hashFormatOf(stored)) {
      case "ssha256":
        return verifySsha256(secret, stored);
      case "pbkdf2":
        return ApiKeyHasher.pbkdf2.run(() => verifyPbkdf2(secret, stored));
      case "bcrypt":
        return this.bcrypt.verify(secret, stored.startsWith(BCRYPT_PREFIX) ? stored.slice(BCRYPT_PREFIX.length) : stored);
      default:
        return false;
    }
  }
}
