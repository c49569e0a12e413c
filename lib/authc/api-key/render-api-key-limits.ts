import type { ApiKeyLimitsDoc } from "../../store/store-documents.js";
import { formatTimeValue } from "../../support/format-time-value.js";

/** One named rate limit as Get and Query show it. */
export interface ApiKeyRateLimitInfo {
  name: string;
  /** Requests (cost units) accepted per window, fleet-wide. */
  limit: number;
  /** The window as a time value (`10s`, `1m`, `1h`). */
  window: string;
  /** Whether every request with the key counts, or only routes that name the limit. */
  auto_apply: boolean;
  /** Allowance handed out in the current window, fleet-wide (Get and Query fill it in). */
  used?: number;
  /** Start of the current window (epoch ms). */
  window_start?: number;
}

/** A credit balance as Get and Query show it. */
export interface ApiKeyCreditsInfo {
  /** Credits not yet handed to app instances. */
  remaining: number;
  /** Credits app instances hold in leases (spent or given back soon): the balance is `remaining + leased`. */
  leased: number;
  refill?: {
    /** `daily`, `monthly`, or a time value (`12h`). */
    interval: string;
    /** The balance after each refill. */
    amount: number;
    /** Day of the month of a `monthly` refill. */
    refill_day?: number;
    /** When the balance was last refilled (epoch ms). */
    last_refill: number;
  };
}

/** The `limits` of a key in Get and Query responses (an extension: Elasticsearch has none). */
export interface ApiKeyLimitsInfo {
  rate_limits: ApiKeyRateLimitInfo[];
  credits?: ApiKeyCreditsInfo;
}

/** The `limits` of a stored key for responses; `undefined` when it has none (the field is then left out). */
export function renderApiKeyLimits(stored: ApiKeyLimitsDoc | null | undefined): ApiKeyLimitsInfo | undefined {
  if (!stored) return undefined;
  const rateLimits = stored.rate_limits ?? [];
  if (rateLimits.length === 0 && !stored.credits) return undefined;
  const info: ApiKeyLimitsInfo = {
    rate_limits: rateLimits.map((limit) => ({
      name: limit.name,
      limit: limit.limit,
      window: formatTimeValue(limit.window_ms),
      auto_apply: limit.auto_apply !== false,
    })),
  };
  const credits = stored.credits;
  if (credits) {
    info.credits = { remaining: credits.remaining, leased: credits.leased ?? 0 };
    const refill = credits.refill;
    if (refill) {
      info.credits.refill = {
        interval: typeof refill.interval === "number" ? formatTimeValue(refill.interval) : refill.interval,
        amount: refill.amount,
        ...(typeof refill.refill_day === "number" ? { refill_day: refill.refill_day } : {}),
        last_refill: refill.last_refill,
      };
    }
  }
  return info;
}
