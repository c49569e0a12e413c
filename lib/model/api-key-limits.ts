/**
 * Per-key controls that Elasticsearch does not have: named request-rate limits, a credit balance
 * with an optional refill, and an enabled flag. They travel with the key's cached authentication
 * so that enforcing them never needs a database read on the request path.
 */

/** One named rate limit of a key. */
export interface ApiKeyRateLimit {
  /** Unique per key; a route asks for it by name (`security.consume(name, cost)`). */
  name: string;
  /** Requests (cost units) accepted per window, fleet-wide. */
  limit: number;
  /** Window length in milliseconds; windows are aligned to multiples of it since the epoch. */
  windowMs: number;
  /** When true, every authenticated request with the key costs 1 against this limit. */
  autoApply: boolean;
}

/** How a credit balance is topped up. */
export interface ApiKeyCreditRefill {
  /** `daily`, `monthly`, or a fixed interval in milliseconds. */
  interval: "daily" | "monthly" | number;
  /** The balance after a refill (the balance is set to it, not increased by it). */
  amount: number;
  /** Day of the month for a `monthly` refill (1–31, clamped to the month's last day). */
  refillDay?: number;
}

/** A key's credit settings as cached; the live balance is kept by the store, not here. */
export interface ApiKeyCredits {
  refill?: ApiKeyCreditRefill;
}

/** What a key carries beyond Elasticsearch's fields; absent parts mean "no such control". */
export interface ApiKeyLimits {
  rateLimits: readonly ApiKeyRateLimit[];
  /** Present when the key has a credit balance; every request with the key costs 1 credit unless a route asks for more. */
  credits?: ApiKeyCredits;
}
