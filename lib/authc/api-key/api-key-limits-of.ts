import type { ApiKeyCreditRefill, ApiKeyLimits, ApiKeyRateLimit } from "../../model/api-key-limits.js";
import { deepFreeze } from "../../support/deep-freeze.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function rateLimitOf(stored: unknown): ApiKeyRateLimit | undefined {
  if (!isRecord(stored) || typeof stored.name !== "string") return undefined;
  const limit = positiveInteger(stored.limit);
  const windowMs = positiveInteger(stored.window_ms);
  if (limit === undefined || windowMs === undefined) return undefined;
  return { name: stored.name, limit, windowMs, autoApply: stored.auto_apply !== false };
}

function refillOf(stored: unknown): ApiKeyCreditRefill | undefined {
  if (!isRecord(stored)) return undefined;
  const amount = positiveInteger(stored.amount);
  const interval = stored.interval === "daily" || stored.interval === "monthly" ? stored.interval : positiveInteger(stored.interval);
  if (amount === undefined || interval === undefined) return undefined;
  const refillDay = positiveInteger(stored.refill_day);
  return refillDay !== undefined ? { interval, amount, refillDay } : { interval, amount };
}

/**
 * The limits a key's stored document sets (`limits.rate_limits`, `limits.credits`), in the form
 * its cached authentication carries; `undefined` when it sets none, so a key without limits costs
 * its requests nothing more than a property check. Entries the store could not have written
 * (wrong types) are skipped rather than trusted.
 */
export function limitsOf(doc: object): ApiKeyLimits | undefined {
  const stored = (doc as { limits?: unknown }).limits;
  if (!isRecord(stored)) return undefined;
  const rateLimits = Array.isArray(stored.rate_limits)
    ? (stored.rate_limits as unknown[]).map(rateLimitOf).filter((limit): limit is ApiKeyRateLimit => limit !== undefined)
    : [];
  const credits = isRecord(stored.credits) ? stored.credits : undefined;
  if (rateLimits.length === 0 && credits === undefined) return undefined;
  const limits: ApiKeyLimits = { rateLimits };
  if (credits !== undefined) {
    const refill = refillOf(credits.refill);
    limits.credits = refill !== undefined ? { refill } : {};
  }
  return deepFreeze(limits);
}
