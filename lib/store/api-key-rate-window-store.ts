import type { Model } from "mongoose";
import { retryPause } from "../support/retry-pause.js";
import { isDuplicateKey } from "./is-duplicate-key.js";
import type { ApiKeyRateWindowDoc } from "./store-documents.js";

/** Lost races in a row before a grant gives up (answers 0): far beyond any real contention. */
const MAX_ATTEMPTS = 12;

/** The name of one window of one limit of one key. */
export function rateWindowName(keyId: string, limitName: string, windowStart: number): string {
  return `${keyId}/${limitName}/${windowStart}`;
}

/**
 * The `api_key_rate_windows` collection: the allowance of a key's rate limit in one window, handed
 * out to instances in blocks.
 *
 * Guarantee: the blocks granted in one window never add up to more than the limit, on every
 * MongoDB-compatible server. A window's blocks form a sequence; granting the next block inserts
 * `<window>#<seq>` carrying the new running total (`upto`), computed from the block before it. Two
 * instances granting at once compute the same `_id`: the unique index lets exactly one insert win
 * and the other reads the new tail and tries again. (A conditional `$inc` would do on MongoDB,
 * but FerretDB 1.x applies it as a read-modify-write and two racing grants could both pass.)
 * Documents are pruned by {@link prune} once their window is over. Index: `window+seq`, `expire_at`.
 */
export class ApiKeyRateWindowStore {
  constructor(readonly model: Model<ApiKeyRateWindowDoc>) {}

  /**
   * Grants `instance` up to `want` of `window`'s allowance of `limit`; answers what it granted:
   * 0 when the window's allowance is all granted already (or the races kept being lost).
   * `expireAt` (epoch ms): when the window is over.
   */
  async grant(window: string, limit: number, want: number, instance: string, expireAt: number): Promise<number> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const tail = await this.tail(window);
      const upto = tail?.upto ?? 0;
      const granted = Math.min(want, limit - upto);
      if (granted <= 0) return 0;
      const seq = (tail?.seq ?? 0) + 1;
      try {
        await this.model.create({ _id: `${window}#${seq}`, window, seq, upto: upto + granted, granted, instance, expire_at: expireAt });
        return granted;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      await retryPause(attempt);
    }
    return 0;
  }

  /** The allowance granted so far in each of `windows` (0 for a window nothing was granted in). */
  async grantedIn(windows: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    await Promise.all(
      windows.map(async (window) => {
        out.set(window, (await this.tail(window))?.upto ?? 0);
      }),
    );
    return out;
  }

  /** Deletes the blocks of windows over before `now`. */
  async prune(now: number): Promise<void> {
    await this.model.deleteMany({ expire_at: { $lt: now } }).exec();
  }

  private async tail(window: string): Promise<Pick<ApiKeyRateWindowDoc, "seq" | "upto"> | null> {
    return this.model
      .findOne({ window: String(window) }, { seq: 1, upto: 1 })
      .sort({ seq: -1 })
      .lean<Pick<ApiKeyRateWindowDoc, "seq" | "upto">>()
      .exec();
  }
}
