import type { Model } from "mongoose";
import type { ApiKeyDoc } from "./models.js";

/** How a request names keys by `name`: exactly, by a `prefix*`, or every name (`*`). */
export type ApiKeyNameMatch = { exact: string } | { prefix: string };

/**
 * Which keys a Get / Invalidate / Update reads. Every field is a validated primitive; the store
 * builds the MongoDB filter itself, so request data never becomes an operator.
 */
export interface ApiKeySelector {
  ids?: readonly string[];
  name?: ApiKeyNameMatch;
  /** `creator.principal` */
  username?: string;
  /** `creator.realm` ∈ realms */
  realms?: readonly string[];
  /** Drop invalidated keys. */
  excludeInvalidated?: boolean;
  /** Drop keys expired at this instant (epoch ms). */
  excludeExpiredAt?: number;
}

/** Fields an update may replace (`version` is bumped by the store). */
export type ApiKeyUpdate = Partial<
  Pick<ApiKeyDoc, "role_descriptors" | "limited_by_role_descriptors" | "metadata" | "metadata_values" | "expiration_time" | "creator">
>;

const ID_PATTERN = /^[\x21-\x7e]{1,512}$/;
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/-]/g;

/** Whether `id` can be an API-key id at all (printable ASCII, bounded). Others are never looked up. */
export function isPlausibleApiKeyId(id: unknown): id is string {
  return typeof id === "string" && ID_PATTERN.test(id);
}

function assertString(value: unknown, what: string): string {
  if (typeof value !== "string") throw new TypeError(`api-key store: ${what} must be a string`);
  return value;
}

function escapeRegex(value: string): string {
  return value.replace(REGEX_SPECIAL, "\\$&");
}

/**
 * The `api_keys` collection. Guarantees:
 * - `insert` writes one whole document (the key exists completely or not at all);
 * - `compareAndSet` replaces fields only if `version` still matches (optimistic concurrency, like
 *   Elasticsearch's `if_seq_no`), bumping it; a lost race returns `false`, nothing is written;
 * - `invalidate` flips `invalidated` once per key (a key already invalidated is reported, not
 *   touched again), each key a single-document update;
 * - `removeInactive` deletes only keys still matching the retention condition at delete time.
 * Indexes (models.ts): `_id`; `creator.principal+creator.realm`; `name`; `invalidated+invalidation_time`;
 * `expiration_time`; `creation_time`; `metadata_values`.
 */
export class ApiKeyStore {
  constructor(readonly model: Model<ApiKeyDoc>) {}

  async insert(doc: ApiKeyDoc): Promise<void> {
    await this.model.create(doc);
  }

  async get(id: string): Promise<ApiKeyDoc | null> {
    if (!isPlausibleApiKeyId(id)) return null;
    return this.model.findById(id).lean<ApiKeyDoc>().exec();
  }

  /** Builds the MongoDB filter of a selector (exported for the query layer's scope filters). */
  static filterOf(selector: ApiKeySelector): Record<string, unknown> {
    const and: Record<string, unknown>[] = [];
    if (selector.ids !== undefined) {
      and.push({ _id: { $in: selector.ids.map((id) => assertString(id, "id")) } });
    }
    if (selector.name !== undefined) {
      if ("exact" in selector.name) and.push({ name: assertString(selector.name.exact, "name") });
      else and.push({ name: { $regex: `^${escapeRegex(assertString(selector.name.prefix, "name prefix"))}` } });
    }
    if (selector.username !== undefined) and.push({ "creator.principal": assertString(selector.username, "username") });
    if (selector.realms !== undefined) and.push({ "creator.realm": { $in: selector.realms.map((r) => assertString(r, "realm")) } });
    if (selector.excludeInvalidated) and.push({ invalidated: false });
    if (selector.excludeExpiredAt !== undefined) {
      const now = selector.excludeExpiredAt;
      if (!Number.isFinite(now)) throw new TypeError("api-key store: excludeExpiredAt must be a number");
      and.push({ $or: [{ expiration_time: null }, { expiration_time: { $gt: now } }] });
    }
    if (and.length === 0) return {};
    if (and.length === 1) return and[0] as Record<string, unknown>;
    return { $and: and };
  }

  /** Keys matching `selector`, oldest first. */
  async find(selector: ApiKeySelector): Promise<ApiKeyDoc[]> {
    return this.model.find(ApiKeyStore.filterOf(selector)).sort({ creation_time: 1, _id: 1 }).lean<ApiKeyDoc[]>().exec();
  }

  /** Ids and types of keys matching `selector` (what invalidation needs). */
  async findIds(selector: ApiKeySelector): Promise<Array<Pick<ApiKeyDoc, "_id" | "type">>> {
    return this.model
      .find(ApiKeyStore.filterOf(selector), { _id: 1, type: 1 })
      .sort({ creation_time: 1, _id: 1 })
      .lean<Array<Pick<ApiKeyDoc, "_id" | "type">>>()
      .exec();
  }

  /**
   * Marks each key invalidated at `now`, unless it already is. Returns the ids this call
   * invalidated and those another writer had invalidated first.
   */
  async invalidate(ids: readonly string[], now: number): Promise<{ invalidated: string[]; previously: string[] }> {
    const invalidated: string[] = [];
    const previously: string[] = [];
    const CHUNK = 100;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const results = await Promise.all(
        chunk.map((id) =>
          this.model
            .updateOne({ _id: assertString(id, "id"), invalidated: false }, { $set: { invalidated: true, invalidation_time: now }, $inc: { version: 1 } })
            .exec(),
        ),
      );
      results.forEach((result, index) => {
        const id = chunk[index] as string;
        (result.modifiedCount > 0 ? invalidated : previously).push(id);
      });
    }
    return { invalidated, previously };
  }

  /** Replaces `fields` if the document is still at `version`; false when someone else won. */
  async compareAndSet(id: string, version: number, fields: ApiKeyUpdate): Promise<boolean> {
    if (!Number.isInteger(version)) throw new TypeError("api-key store: version must be an integer");
    const result = await this.model
      .updateOne({ _id: assertString(id, "id"), version }, { $set: fields, $inc: { version: 1 } })
      .exec();
    return result.modifiedCount > 0;
  }

  /**
   * Deletes up to `batchSize` keys that expired, or were invalidated, at or before `cutoff` (a key
   * invalidated without a recorded time counts as old). Returns the deleted ids.
   */
  async removeInactive(cutoff: number, batchSize: number): Promise<string[]> {
    const condition = {
      $or: [
        { expiration_time: { $ne: null, $lte: cutoff } },
        { invalidated: true, invalidation_time: { $lte: cutoff } },
        { invalidated: true, invalidation_time: null },
      ],
    };
    const docs = await this.model.find(condition, { _id: 1 }).limit(batchSize).lean<Array<{ _id: string }>>().exec();
    if (docs.length === 0) return [];
    const ids = docs.map((d) => d._id);
    await this.model.deleteMany({ $and: [{ _id: { $in: ids } }, condition] }).exec();
    return ids;
  }
}
