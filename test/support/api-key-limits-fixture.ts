import type { TestApp } from "./test-app.js";

/** Stored form of a key's limits, as the key document holds them (snake_case, windows in ms). */
export interface StoredLimits {
  rate_limits?: Array<{ name: string; limit: number; window_ms: number; auto_apply: boolean }>;
  credits?: {
    remaining: number;
    leased?: number;
    refill?: { interval: "daily" | "monthly" | number; amount: number; refill_day?: number | null; last_refill?: number };
  };
}

/**
 * Gives an existing key limits by writing them into its document, and makes every instance read
 * the document again (as a change of limits through the API does), so the key's cached
 * authentication carries them.
 */
export async function setStoredLimits(app: TestApp, id: string, limits: StoredLimits): Promise<void> {
  const stored = { ...limits, ...(limits.credits ? { credits: { leased: 0, ...limits.credits } } : {}) };
  await app.core.models.apiKeys.collection.updateOne({ _id: id } as never, { $set: { limits: stored }, $inc: { version: 1 } });
  await app.core.journal.append({ kind: "api_key.update", keys: [id] });
}

/** The key's stored credit fields. */
export async function storedCredits(app: TestApp, id: string): Promise<{ remaining: number; leased: number } | undefined> {
  const doc = await app.core.models.apiKeys.collection.findOne<{ limits?: { credits?: { remaining: number; leased: number } } }>({
    _id: id,
  } as never);
  return doc?.limits?.credits;
}
