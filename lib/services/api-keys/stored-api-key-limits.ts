import type { ApiKeyCreditRefill } from "../../model/api-key-limits.js";
import type { ApiKeyCreditRefillDoc, ApiKeyCreditsDoc, ApiKeyLimitsDoc, ApiKeyRateLimitDoc } from "../../store/store-documents.js";
import type { ParsedApiKeyLimits } from "./parse-api-key-limits.js";

export function storedRateLimits(parsed: ParsedApiKeyLimits): ApiKeyRateLimitDoc[] {
  return parsed.rateLimits.map((limit) => ({
    name: limit.name,
    limit: limit.limit,
    window_ms: limit.windowMs,
    auto_apply: limit.autoApply,
  }));
}

export function storedRefill(refill: ApiKeyCreditRefill, now: number): ApiKeyCreditRefillDoc {
  return {
    interval: refill.interval,
    amount: refill.amount,
    refill_day: refill.interval === "monthly" ? (refill.refillDay ?? 1) : null,
    last_refill: now,
  };
}

/**
 * The stored `limits` of a new key; `undefined` when the request sets none (a key without limits
 * stores no `limits` field at all). Credits start at `remaining`, else at the refill amount.
 */
export function storedLimitsOf(parsed: ParsedApiKeyLimits | undefined, now: number): ApiKeyLimitsDoc | undefined {
  if (!parsed || (parsed.rateLimits.length === 0 && parsed.credits === undefined)) return undefined;
  const limits: ApiKeyLimitsDoc = { rate_limits: storedRateLimits(parsed) };
  if (parsed.credits) {
    const refill = parsed.credits.refill;
    const credits: ApiKeyCreditsDoc = { remaining: parsed.credits.remaining ?? refill?.amount ?? 0, leased: 0 };
    if (refill) credits.refill = storedRefill(refill, now);
    limits.credits = credits;
  }
  return limits;
}
