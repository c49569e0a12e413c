import type { ApiKeyRateLimit } from "../../../model/api-key-limits.js";
import { SecurityError } from "../../../support/security-error.js";

/** The fixed start of the reason of a 429 for a rate limit (clients may match on it). */
export const RATE_LIMIT_EXCEEDED = "rate limit exceeded";
/** The fixed start of the reason of a 429 for a key out of credits (Unkey's `USAGE_EXCEEDED`). */
export const USAGE_EXCEEDED = "usage exceeded";

const UNITS: Array<[number, string]> = [
  [86_400_000, "d"],
  [3_600_000, "h"],
  [60_000, "m"],
  [1000, "s"],
];

/** A window length as Elasticsearch writes time values: the largest unit that divides it. */
export function formatWindow(ms: number): string {
  for (const [size, unit] of UNITS) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function retryAfterSeconds(waitMs: number): string {
  return String(Math.max(1, Math.ceil(waitMs / 1000)));
}

/** 429 for a request over one of the key's rate limits; `Retry-After` is the window's end. */
export function rateLimitExceeded(keyId: string, limit: ApiKeyRateLimit, waitMs: number): SecurityError {
  return new SecurityError(
    429,
    "status_exception",
    `${RATE_LIMIT_EXCEEDED}: api key [${keyId}] is limited to [${limit.limit}] per [${formatWindow(limit.windowMs)}] by limit [${limit.name}]`,
    { headers: { "Retry-After": retryAfterSeconds(waitMs) } },
  );
}

/**
 * 429 for a key whose credits are spent; `Retry-After` is the next refill when it refills, and
 * absent otherwise (only adding credits helps).
 */
export function usageExceeded(keyId: string, waitMs: number | undefined): SecurityError {
  return new SecurityError(429, "status_exception", `${USAGE_EXCEEDED}: api key [${keyId}] has no credits left`, {
    ...(waitMs !== undefined ? { headers: { "Retry-After": retryAfterSeconds(waitMs) } } : {}),
  });
}
