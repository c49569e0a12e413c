import type { ApiKeyLimits } from "./api-types.js";

/** One line per rate limit and one for the credits, for the table's Limits cell. */
export function limitLines(limits: ApiKeyLimits | undefined): string[] {
  const lines: string[] = [];
  for (const rate of limits?.rate_limits ?? []) {
    const scope = rate.auto_apply === false ? " (on request)" : "";
    lines.push(rate.name + ": " + (rate.used ?? 0) + " / " + rate.limit + " per " + rate.window + scope);
  }
  const credits = limits?.credits;
  if (credits) {
    let text = "credits: " + creditBalance(limits) + " left";
    if (credits.leased) text += " (" + credits.leased + " held by instances)";
    if (credits.refill) text += ", refilled to " + credits.refill.amount + " " + refillText(credits.refill.interval);
    lines.push(text);
  }
  return lines;
}

function refillText(interval: string): string {
  return interval === "daily" || interval === "monthly" ? interval : "every " + interval;
}

/** The key's whole balance: what is left plus what instances hold. `null` without credits. */
export function creditBalance(limits: ApiKeyLimits | undefined): number | null {
  const credits = limits?.credits;
  return credits ? credits.remaining + (credits.leased ?? 0) : null;
}

/**
 * The settings of `limits` as `_limits` takes them, for the edit dialog: the window's use, the
 * balance and the refill bookkeeping are left out, so saving unchanged text keeps the balance.
 */
export function editableLimits(limits: ApiKeyLimits | undefined): string {
  const settings: Record<string, unknown> = {};
  const rates = limits?.rate_limits ?? [];
  if (rates.length > 0) {
    settings.rate_limits = rates.map((rate) => ({
      name: rate.name,
      limit: rate.limit,
      window: rate.window,
      auto_apply: rate.auto_apply !== false,
    }));
  }
  const credits = limits?.credits;
  if (credits) {
    const refill = credits.refill;
    settings.credits = refill
      ? {
          refill: {
            interval: refill.interval,
            amount: refill.amount,
            ...(refill.refill_day !== undefined ? { refill_day: refill.refill_day } : {}),
          },
        }
      : {};
  }
  return JSON.stringify(settings, null, 2);
}

/** The body of `POST /_security/api_key/{id}/_credits`, or what is wrong with the amount. */
export function creditsRequest(mode: string, amount: string): { body: { add: number } | { remaining: number } } | { error: string } {
  const text = amount.trim();
  if (!/^\d+$/.test(text)) return { error: "Enter a whole number." };
  const value = Number(text);
  if (!Number.isSafeInteger(value)) return { error: "That number is too large." };
  if (mode === "set") return { body: { remaining: value } };
  if (value < 1) return { error: "Add at least 1 credit." };
  return { body: { add: value } };
}
