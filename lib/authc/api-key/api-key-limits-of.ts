import type { ApiKeyCreditRefill, ApiKeyLimits } from "../../model/api-key-limits.js";
import type { ApiKeyCreditRefillDoc, ApiKeyLimitsDoc } from "../../store/models.js";
import { deepFreeze } from "../../support/deep-freeze.js";

function refillOf(stored: ApiKeyCreditRefillDoc | null | undefined): ApiKeyCreditRefill | undefined {
  if (!stored) return undefined;
  const interval = stored.interval === "daily" || stored.interval === "monthly" ? stored.interval : Number(stored.interval);
  return {
    interval,
    amount: stored.amount,
    ...(interval === "monthly" && typeof stored.refill_day === "number" ? { refillDay: stored.refill_day } : {}),
  };
}

/**
 * The limits a request authenticated with the key carries (`auth.apiKey.limits`), from its stored
 * document: `undefined` when the key has neither a rate limit nor credits, so that such keys keep
 * the exact cost of keys without settings. Frozen: one object is shared by every request the
 * cached key authenticates. The live balance is not part of it (the engine keeps that).
 */
export function limitsOf(doc: { limits?: ApiKeyLimitsDoc | null | undefined }): ApiKeyLimits | undefined {
  const stored = doc.limits;
  if (!stored) return undefined;
  const rateLimits = (stored.rate_limits ?? []).map((limit) => ({
    name: limit.name,
    limit: limit.limit,
    windowMs: limit.window_ms,
    autoApply: limit.auto_apply !== false,
  }));
  const credits = stored.credits ? { ...(stored.credits.refill ? { refill: refillOf(stored.credits.refill) } : {}) } : undefined;
  if (rateLimits.length === 0 && credits === undefined) return undefined;
  const limits: ApiKeyLimits = { rateLimits, ...(credits ? { credits } : {}) };
  return deepFreeze(limits);
}
