import { createHash, pbkdf2, randomBytes, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { availableParallelism } from "node:os";
import { ConcurrencyLimit } from "../../support/concurrency-limit.js";
import type { PasswordHasher } from "../../support/password-hasher.js";
import type { ApiKeyHashAlgorithm } from "../../model/api-key-options.js";

const pbkdf2Async = promisify(pbkdf2);

const SSHA256_PREFIX = "{SSHA256}";
const PBKDF2_PREFIX = "{PBKDF2}";
const PBKDF2_STRETCH_PREFIX = "{PBKDF2_STRETCH}";
const BCRYPT_PREFIX = "{BCRYPT}";
/** Iterations of new `{PBKDF2}` hashes (Elasticsearch's `PBKDF2` hasher). */
export const PBKDF2_ITERATIONS = 10_000;
const PBKDF2_KEY_BYTES = 32;
const PBKDF2_SALT_BYTES = 32;
const PBKDF2_MIN_SALT_BYTES = 8;
/** Stored hashes asking for more work than this are refused rather than run (a DoS guard). */
const PBKDF2_MAX_ITERATIONS = 10_000_000;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(value: string): Buffer | undefined {
  if (value.length === 0 || value.length % 4 !== 0 || !BASE64.test(value)) return undefined;
  return Buffer.from(value, "base64");
}

function equalBuffers(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

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

/**
 * `{PBKDF2}<iterations>$<base64 salt>$<base64 key>`: PBKDF2-HMAC-SHA512, 10,000 iterations, 32-byte
 * salt and key (Elasticsearch's `Hasher.PBKDF2`). Runs in libuv's thread pool, off the event loop.
 */
export async function hashPbkdf2(secret: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = randomBytes(PBKDF2_SALT_BYTES);
  const key = await pbkdf2Async(Buffer.from(secret, "utf8"), salt, iterations, PBKDF2_KEY_BYTES, "sha512");
  return `${PBKDF2_PREFIX}${iterations}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Verifies `{PBKDF2}` and `{PBKDF2_STRETCH}` hashes (key and salt lengths read from the hash). */
export async function verifyPbkdf2(secret: string, stored: string): Promise<boolean> {
  const stretch = stored.startsWith(PBKDF2_STRETCH_PREFIX);
  const prefix = stretch ? PBKDF2_STRETCH_PREFIX : PBKDF2_PREFIX;
  if (!stored.startsWith(prefix)) return false;
  const parts = stored.slice(prefix.length).split("$");
  if (parts.length !== 3) return false;
  const [iterationsText = "", saltText = "", keyText = ""] = parts;
  if (!/^\d{1,8}$/.test(iterationsText)) return false;
  const iterations = Number(iterationsText);
  if (iterations < 1 || iterations > PBKDF2_MAX_ITERATIONS) return false;
  const salt = decodeBase64(saltText);
  const expected = decodeBase64(keyText);
  if (!salt || !expected || salt.length < PBKDF2_MIN_SALT_BYTES || expected.length === 0 || expected.length % 16 !== 0) return false;
  // PBKDF2_STRETCH hashes the hex SHA-512 of the secret instead of the secret itself.
  const input = stretch ? Buffer.from(createHash("sha512").update(secret, "utf8").digest("hex"), "utf8") : Buffer.from(secret, "utf8");
  const key = await pbkdf2Async(input, salt, iterations, expected.length, "sha512");
  return equalBuffers(key, expected);
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
  /**
   * PBKDF2 jobs at once: one core fewer than the process may use (at least one), shared by every
   * hasher of the process, so a burst of cache misses cannot take every core from the event loop.
   */
  static readonly pbkdf2 = new ConcurrencyLimit(Math.max(1, availableParallelism() - 1));

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
