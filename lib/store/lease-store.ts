import type { Model } from "mongoose";
import type { LeaseDoc } from "./models.js";

const DUPLICATE_KEY = 11000;

function isDuplicateKey(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY;
}

/**
 * Named leases in the `leases` collection: at most one holder per name until `until` (epoch ms).
 *
 * Guarantee: `acquire` is one compare-and-set on `until` (a single-document upsert), so of several
 * instances racing for a free or expired lease exactly one wins; a held, unexpired lease is never
 * taken over. No TTL index is needed: expiry is the `until` comparison.
 */
export class LeaseStore {
  constructor(private readonly model: Model<LeaseDoc>) {}

  /**
   * Takes lease `name` until `until` if it is free or expired at `now` (also when `owner` held it:
   * a lease doubles as "not again before `until`"). True when acquired.
   */
  async acquire(name: string, owner: string, now: number, until: number): Promise<boolean> {
    try {
      const result = await this.model.updateOne({ _id: name, until: { $lte: now } }, { $set: { owner, until } }, { upsert: true }).exec();
      return result.matchedCount > 0 || result.upsertedCount > 0;
    } catch (error) {
      // The upsert collided with a document that exists but did not match: someone holds it.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Shortens a lease held by `owner` to `until` (e.g. to allow the next run at that time). */
  async release(name: string, owner: string, until: number): Promise<void> {
    await this.model.updateOne({ _id: name, owner }, { $set: { until } }).exec();
  }

  async get(name: string): Promise<LeaseDoc | null> {
    return this.model.findById(name).lean<LeaseDoc>().exec();
  }
}
