import type { Model } from "mongoose";
import { isDuplicateKey } from "./is-duplicate-key.js";
import type { SettingDoc } from "./models.js";

/**
 * Named values in the `settings` collection that every instance sharing the database must agree
 * on (the generated token-signing keys).
 *
 * Guarantees: {@link SettingsStore.putIfAbsent} is an insert-if-absent on a fixed `_id`, so of
 * several instances racing to create a setting exactly one value is stored, and every racer reads
 * that one afterwards. {@link SettingsStore.replaceIfRevision} is a compare-and-set on the value's
 * `revision`, so of concurrent replacements of one revision exactly one is applied.
 */
export class SettingsStore {
  constructor(private readonly model: Model<SettingDoc>) {}

  /** Stores `value` under `id` unless a value is there already (whoever wins, nothing is overwritten). */
  async putIfAbsent(id: string, value: unknown): Promise<void> {
    try {
      await this.model.updateOne({ _id: id }, { $setOnInsert: { value } }, { upsert: true }).exec();
    } catch (error) {
      // Another instance inserted it between our match and our insert: theirs stands.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** The value stored under `id`, `undefined` when there is none. */
  async get(id: string): Promise<unknown> {
    const doc = await this.model.findById(id).lean<SettingDoc>().exec();
    return doc?.value;
  }

  /**
   * Replaces the value under `id` with `value` if the stored one still has `revision` (a number
   * field of the value); `false` when another writer replaced it first (read it again and retry).
   */
  async replaceIfRevision(id: string, revision: number, value: { revision: number }): Promise<boolean> {
    const result = await this.model.updateOne({ _id: id, "value.revision": revision }, { $set: { value } }).exec();
    return result.matchedCount === 1;
  }
}
