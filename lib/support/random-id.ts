import { randomBytes } from "node:crypto";

/**
 * A 20-character URL-safe identifier: 15 random bytes, base64url. Elasticsearch's key ids are
 * time-based UUIDs of the same length; ours are fully random so they reveal nothing.
 */
export function randomId(): string {
  return randomBytes(15).toString("base64url");
}

/**
 * A 22-character URL-safe secret carrying 128 random bits, in the format of Elasticsearch's
 * API-key secrets (benchmarks and tests use it for such keys). New keys get checksummed secrets
 * from `ApiKeySecretFormat` instead.
 */
export function randomSecret(): string {
  return randomBytes(16).toString("base64url");
}
