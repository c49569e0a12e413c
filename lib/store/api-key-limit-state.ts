import type { Model, mongo } from "mongoose";
import type { ApiKeyCreditStore } from "./api-key-credit-store.js";
import { rateWindowName, type ApiKeyRateWindowStore } from "./api-key-rate-window-store.js";
import type { ApiKeyDoc } from "./store-documents.js";
import { setOwnKey } from "../support/set-own-key.js";
import { storeTimeLimitOf } from "./store-time-limit.js";

/** The live state of one key's limits, as Get and Query show it. */
export interface ApiKeyLimitState {
  /**
   * Per rate limit: the current window's start (epoch ms) and its allowance `used`, i.e. handed
   * out to instances so far, fleet-wide (requests accepted, plus what instances hold unspent).
   */
  rateLimits: Record<string, { used: number; windowStart: number }>;
  /** Present when the key has credits: the balance not leased out, and what instance leases hold. */
  credits?: { remaining: number; leased: number };
}

/** Where the state is read from. */
export interface ApiKeyLimitStateSources {
  keys: Model<ApiKeyDoc>;
  windows: ApiKeyRateWindowStore;
  credits: ApiKeyCreditStore;
}

interface StoredRateLimit {
  name?: unknown;
  window_ms?: unknown;
}

/**
 * The live limit state of each key of `keyIds` that has limits (keys without are absent), at
 * `now`: three reads in all, whatever the number of keys, plus one per rate limit.
 */
export async function limitState(
  sources: ApiKeyLimitStateSources,
  keyIds: readonly string[],
  now = Date.now(),
): Promise<Map<string, ApiKeyLimitState>> {
  const out = new Map<string, ApiKeyLimitState>();
  if (keyIds.length === 0) return out;
  const limit = storeTimeLimitOf(sources.keys);
  const docs = await limit.run(
    sources.keys.collection
      .find({ _id: { $in: keyIds.map(String) }, limits: { $type: "object" } } as unknown as mongo.Filter<mongo.Document>, {
        projection: { "limits.rate_limits": 1 },
        ...limit.options,
      })
      .toArray(),
  );
  const windows: Array<{ id: string; name: string; window: string; windowStart: number }> = [];
  for (const doc of docs) {
    const id = String(doc._id);
    out.set(id, { rateLimits: {} });
    const stored = (doc as { limits?: { rate_limits?: unknown } }).limits?.rate_limits;
    for (const rate of Array.isArray(stored) ? (stored as StoredRateLimit[]) : []) {
      if (typeof rate.name !== "string" || typeof rate.window_ms !== "number" || !(rate.window_ms > 0)) continue;
      const windowStart = Math.floor(now / rate.window_ms) * rate.window_ms;
      windows.push({ id, name: rate.name, window: rateWindowName(id, rate.name, windowStart), windowStart });
    }
  }
  const [granted, balances] = await Promise.all([
    sources.windows.grantedIn(windows.map((w) => w.window)),
    sources.credits.balances([...out.keys()]),
  ]);
  for (const w of windows) {
    const state = out.get(w.id) as ApiKeyLimitState;
    setOwnKey(state.rateLimits, w.name, { used: granted.get(w.window) ?? 0, windowStart: w.windowStart });
  }
  for (const [id, balance] of balances) {
    const state = out.get(id);
    if (state) state.credits = balance;
  }
  return out;
}
