import { createHash, pbkdf2, randomBytes, timingSafeEqual } from "node:crypto";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";
import { ConcurrencyLimit } from "./concurrency-limit.js";

const pbkdf2Async = promisify(pbkdf2);

export const PBKDF2_PREFIX = "{PBKDF2}";
export const PBKDF2_STRETCH_PREFIX = "{PBKDF2_STRETCH}";
/** Iterations of new `{PBKDF2}` hashes (Elasticsearch's `PBKDF2` hasher). */
export const PBKDF2_ITERATIONS = 10_000;
const PBKDF2_KEY_BYTES = 32;
const PBKDF2_SALT_BYTES = 32;
const PBKDF2_MIN_SALT_BYTES = 8;
/** Stored hashes asking for more work than this are refused rather than run (a DoS guard). */
const PBKDF2_MAX_ITERATIONS = 10_000_000;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * PBKDF2 jobs at once: one core fewer than the process may use (at least one), shared by every
 * user of PBKDF2 in the process (API keys and native-realm passwords), so a burst of cache misses
 * cannot take every core from the event loop.
 */
export const PBKDF2_LIMIT = new ConcurrencyLimit(Math.max(1, availableParallelism() - 1));

export function decodeBase64(value: string): Buffer | undefined {
  if (value.length === 0 || value.length % 4 !== 0 || !BASE64.test(value)) return undefined;
  return Buffer.from(value, "base64");
}

export function equalBuffers(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

interface ParsedPbkdf2 {
  stretch: boolean;
  iterations: number;
  salt: Buffer;
  key: Buffer;
}

function parsePbkdf2(stored: string): ParsedPbkdf2 | undefined {
  const stretch = stored.startsWith(PBKDF2_STRETCH_PREFIX);
  const prefix = stretch ? PBKDF2_STRETCH_PREFIX : PBKDF2_PREFIX;
  if (!stored.startsWith(prefix)) return undefined;
  const parts = stored.slice(prefix.length).split("$");
  if (parts.length !== 3) return undefined;
  const [iterationsText = "", saltText = "", keyText = ""] = parts;
  if (!/^\d{1,8}$/.test(iterationsText)) return undefined;
  const iterations = Number(iterationsText);
  if (iterations < 1 || iterations > PBKDF2_MAX_ITERATIONS) return undefined;
  const salt = decodeBase64(saltText);
  const key = decodeBase64(keyText);
  if (!salt || !key || salt.length < PBKDF2_MIN_SALT_BYTES || key.length === 0 || key.length % 16 !== 0) return undefined;
  return { stretch, iterations, salt, key };
}

/** True when `stored` is a `{PBKDF2}` or `{PBKDF2_STRETCH}` hash {@link verifyPbkdf2} can check. */
export function isPbkdf2Hash(stored: string): boolean {
  return parsePbkdf2(stored) !== undefined;
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

/**
 * Verifies `{PBKDF2}` and `{PBKDF2_STRETCH}` hashes (key and salt lengths read from the hash) in
 * constant time; false for a malformed hash. Runs in libuv's thread pool, off the event loop.
 */
export async function verifyPbkdf2(secret: string, stored: string): Promise<boolean> {
  const parsed = parsePbkdf2(stored);
  if (!parsed) return false;
  // PBKDF2_STRETCH hashes the hex SHA-512 of the secret instead of the secret itself.
  const input = parsed.stretch
    ? Buffer.from(createHash("sha512").update(secret, "utf8").digest("hex"), "utf8")
    : Buffer.from(secret, "utf8");
  const key = await pbkdf2Async(input, parsed.salt, parsed.iterations, parsed.key.length, "sha512");
  return equalBuffers(key, parsed.key);
}
