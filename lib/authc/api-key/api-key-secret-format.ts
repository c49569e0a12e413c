import { randomBytes } from "node:crypto";
import { crc32Ascii } from "../../support/crc32.js";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Base62 characters of the random part: 22 × log2(62) ≈ 131 bits, at least Elasticsearch's 128. */
export const SECRET_RANDOM_LENGTH = 22;
/** Base62 characters of the checksum: 62^6 ≈ 5.7e10 covers every CRC-32 value. */
export const SECRET_CHECKSUM_LENGTH = 6;
/** Random part and checksum together: what follows the prefix. */
export const SECRET_BODY_LENGTH = SECRET_RANDOM_LENGTH + SECRET_CHECKSUM_LENGTH;
/** The default of `apiKeys.secretPrefix`. */
export const DEFAULT_SECRET_PREFIX = "kg_";
/** What `apiKeys.secretPrefix` may be: short and safe in URLs, headers and scanner regexes. */
export const SECRET_PREFIX_PATTERN = /^[A-Za-z0-9_-]{1,16}$/;
/** Bytes ≥ this are dropped so that `byte % 62` is uniform (248 = 4 × 62). */
const UNBIASED_LIMIT = 248;

/** Value of each ASCII character as a base62 digit, -1 for the others. */
const DIGITS = (() => {
  const digits = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) digits[ALPHABET.charCodeAt(i)] = i;
  return digits;
})();

/** Value of a base62 character (0–61), or -1 for any other character. */
function base62Value(code: number): number {
  return code < 128 ? (DIGITS[code] as number) : -1;
}

/** The 6-character base62 checksum of a random part (CRC-32 of its ASCII bytes, zero-padded). */
export function secretChecksum(random: string): string {
  let value = crc32Ascii(random);
  let out = "";
  for (let i = 0; i < SECRET_CHECKSUM_LENGTH; i++) {
    out = ALPHABET.charAt(value % 62) + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/**
 * Whether the last {@link SECRET_BODY_LENGTH} characters of `secret` are a random part followed
 * by its base62 checksum: the structure every secret we issue has, whatever prefix it was issued
 * with. Allocation-free: it runs on every `ApiKey` request.
 */
export function hasValidChecksum(secret: string): boolean {
  const start = secret.length - SECRET_BODY_LENGTH;
  if (start < 0) return false;
  const checksumStart = start + SECRET_RANDOM_LENGTH;
  // The random part's characters are not checked one by one: any other character changes the
  // CRC like a typo does.
  let claimed = 0;
  for (let i = checksumStart; i < secret.length; i++) {
    const digit = base62Value(secret.charCodeAt(i));
    if (digit < 0) return false;
    claimed = claimed * 62 + digit;
  }
  return claimed === crc32Ascii(secret, start, checksumStart);
}

/**
 * The format of the API-key secrets this library issues:
 * `<prefix><22 base62 random characters><6 base62 characters of CRC-32 of the random part>`,
 * e.g. `kg_4pZ0r8QmT1xv9LcY2bNw7e12Auvc`.
 *
 * The prefix makes leaked secrets findable by secret scanners; the checksum lets authentication
 * refuse a mistyped, truncated or made-up secret before any cache or database lookup. The check
 * is deliberately narrow, so keys of any other shape keep working: only a secret that starts with
 * the configured prefix and has exactly the issued length is "ours" and must carry a valid
 * checksum. Keys issued under an earlier prefix have another prefix or length and take the normal
 * path (their hash decides), as do Elasticsearch-format and imported secrets.
 */
export class ApiKeySecretFormat {
  readonly length: number;

  constructor(readonly prefix: string = DEFAULT_SECRET_PREFIX) {
    if (typeof prefix !== "string" || !SECRET_PREFIX_PATTERN.test(prefix)) {
      throw new TypeError(
        `express-keyguard: API-key secret prefix must be 1 to 16 characters of [A-Za-z0-9_-] (got ${JSON.stringify(prefix)})`,
      );
    }
    this.length = prefix.length + SECRET_BODY_LENGTH;
  }

  /** A fresh secret: 22 uniformly random base62 characters from `crypto.randomBytes`, checksummed. */
  generate(): string {
    let random = "";
    while (random.length < SECRET_RANDOM_LENGTH) {
      for (const byte of randomBytes(32)) {
        if (byte >= UNBIASED_LIMIT) continue;
        random += ALPHABET.charAt(byte % 62);
        if (random.length === SECRET_RANDOM_LENGTH) break;
      }
    }
    return this.prefix + random + secretChecksum(random);
  }

  /**
   * Whether `secret` claims to be one of ours (configured prefix, issued length) but its checksum
   * fails: such a secret cannot match any key, so it is refused without looking anything up.
   */
  refuses(secret: string): boolean {
    return secret.length === this.length && secret.startsWith(this.prefix) && !hasValidChecksum(secret);
  }
}
