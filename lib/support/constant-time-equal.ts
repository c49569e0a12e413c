import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares two secrets without leaking, through timing, where they first differ or how long
 * the expected one is: both sides are hashed to a fixed length before `timingSafeEqual`.
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db);
}

/**
 * Compares two digests of equal, public length (e.g. hex SHA-256) in time independent of their
 * content: no early exit. For hot paths, where `timingSafeEqual` would need two Buffers (and
 * their allocation) per call; never for raw secrets of varying length (use
 * {@link constantTimeEqual}).
 */
export function constantTimeDigestEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
