import type { Model } from "mongoose";
import { isDuplicateKey } from "./is-duplicate-key.js";
import type { SettingDoc } from "./store-documents.js";

/**
 * Named values in the `settings` collection that every instance sharing the database must agree
 * on (the generated token-signing keys).
 *
 * Guarantees: {@link SettingsStore.putIfAbsent} is an insert-if-absent on a fixed `_id`, so of
 * several instances racing to create a setting exactly one value is stored, and every racer reads
 * that one afterwards. {@link SettingsStore.insertVersion} inserts a new version of a versioned
 * setting under an `_id` derived from the version number, so of concurrent writers of one version
 * exactly one succeeds (a conditional update would do on MongoDB, not on every compatible server).
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
   * The newest version of the versioned setting `name`, or `undefined` when it has none. A
   * versioned setting is one document per version (`<name>@<version, 10 digits>`), so that
   * writing a new version is an insert, the one write every MongoDB-compatible server makes
   * atomic on `_id`.
   */
  async latestVersion(name: string): Promise<{ version: number; value: unknown } | undefined> {
    const doc = await this.model
      .findOne({ _id: { $gte: versionId(name, 0), $lte: versionId(name, MAX_VERSION) } })
      .sort({ _id: -1 })
      .lean<SettingDoc>()
      .exec();
    return doc ? { version: Number(doc._id.slice(name.length + 1)), value: doc.value } : undefined;
  }

  /** Stores `value` as `version` of `name`; `false` when that version exists (another writer made it first). */
  async insertVersion(name: string, version: number, value: unknown): Promise<boolean> {
    try {
      await this.model.create({ _id: versionId(name, version), value });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Deletes the versions of `name` older than `version` (readers only ever read the newest). */
  async pruneVersionsBefore(name: string, version: number): Promise<void> {
    await this.model.deleteMany({ _id: { $gte: versionId(name, 0), $lt: versionId(name, version) } }).exec();
  }
}

const MAX_VERSION = 9_999_999_999;

/** Fixed width, so the `_id` order is the version order. */
function versionId(name: string, version: number): string {
  if (!Number.isSafeInteger(version) || version < 0 || version > MAX_VERSION) throw new RangeError(`bad setting version ${version}`);
  return `${name}@${String(version).padStart(10, "0")}`;
}
