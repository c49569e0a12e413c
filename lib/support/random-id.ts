import { randomBytes } from "node:crypto";

/**
 * A 20-character URL-safe identifier: 15 random bytes, base64url. Elasticsearch's key ids are
 * time-based UUIDs of the same length; ours are fully random so they reveal nothing.
 */
export function randomId(): string {
  return randomBytes(15).toString("base64url");
}

/** A 22-character URL-safe secret carrying 128 random bits, as Elasticsearch's API-key secrets. */
export function randomSecret(): string {
  return randomBytes(16).toString("base64url");
}
