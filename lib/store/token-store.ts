import type { Model } from "mongoose";
import type { TokenDoc } from "./store-documents.js";

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const HASH_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Whether `id` can be a token id at all; anything else is never sent to the database. */
export function isPlausibleTokenId(id: unknown): id is string {
  return typeof id === "string" && ID_PATTERN.test(id);
}

function assertString(value: unknown, what: string): string {
  if (typeof value !== "string") throw new TypeError(`token store: ${what} must be a string`);
  return value;
}

/** Which tokens an invalidation by user or realm selects; values are validated strings. */
export interface TokenOwnerSelector {
  username?: string;
  realm?: string;
}

/**
 * The `tokens` collection. Guarantees:
 * - `insert` writes one whole document (a token exists completely or not at all) and fails with
 *   a duplicate-key error when the id exists: the token service claims a refresh by inserting the
 *   successor under an id derived from the spent token, so of concurrent refreshes exactly one
 *   wins. (A unique `_id` is the one mutual exclusion every MongoDB-compatible server enforces
 *   under concurrency; FerretDB 1.24 on SQLite does not re-check a conditional update's filter.)
 * - `invalidateAccess` / `invalidateRefresh` flip their flag (a later call matches nothing; two
 *   racing calls may both report the change on such a server, the outcome is the same);
 * - `invalidateActive` flips the refresh and access parts of the given documents and reports, per
 *   part, how many it changed and how many already were invalidated.
 * Request data never becomes an operator: every filter is built here from checked strings.
 * Indexes (models.ts): `_id`; `refresh_hash`; `username`; `realm`; `purge_at`.
 */
export class TokenStore {
  constructor(readonly model: Model<TokenDoc>) {}

  async insert(doc: TokenDoc): Promise<void> {
    await this.model.create(doc);
  }

  async get(id: string): Promise<TokenDoc | null> {
    if (!isPlausibleTokenId(id)) return null;
    return this.model.findById(id).lean<TokenDoc>().exec();
  }

  async findByRefreshHash(hash: string): Promise<TokenDoc | null> {
    if (!HASH_PATTERN.test(assertString(hash, "refresh hash"))) return null;
    return this.model.findOne({ refresh_hash: hash }).lean<TokenDoc>().exec();
  }

  /** Records that the refresh token of `id` was spent at `time` (informational: the successor's existence decides). */
  async markRefreshed(id: string, time: number): Promise<void> {
    await this.model.updateOne({ _id: assertString(id, "id") }, { $set: { refreshed: true, refresh_time: time } }).exec();
  }

  /** Invalidates the access token `id`. `changed` is false when it already was; `found` false when there is no such token. */
  async invalidateAccess(id: string, now: number): Promise<{ found: boolean; changed: boolean }> {
    const result = await this.model
      .updateOne({ _id: assertString(id, "id"), invalidated: false }, { $set: { invalidated: true, invalidation_time: now } })
      .exec();
    if (result.modifiedCount === 1) return { found: true, changed: true };
    const exists = await this.model.exists({ _id: id }).exec();
    return { found: exists !== null, changed: false };
  }

  /** Invalidates the refresh token of document `id` (the access token stays valid, as in Elasticsearch). */
  async invalidateRefresh(id: string): Promise<boolean> {
    const result = await this.model
      .updateOne({ _id: assertString(id, "id"), refresh_invalidated: false }, { $set: { refresh_invalidated: true } })
      .exec();
    return result.modifiedCount === 1;
  }

  /**
   * Ids of the tokens of `owner` that still have a valid access or refresh token at `now`
   * (invalidated or expired ones are left alone, as in Elasticsearch's `findActiveTokensFor*`).
   */
  async findActive(owner: TokenOwnerSelector, now: number, limit = 10_000): Promise<string[]> {
    const docs = await this.model.find(TokenStore.activeFilter(owner, now), { _id: 1 }).limit(limit).lean<Array<{ _id: string }>>().exec();
    return docs.map((d) => d._id);
  }

  /**
   * Invalidates both tokens of the given documents, counting each part on its own as Elasticsearch
   * does (`invalidateAllTokens`: the refresh tokens of the documents that have one, then every
   * access token): a part that this call flips counts as invalidated, one that already was counts
   * as previously invalidated. A password grant invalidated by user therefore counts 2.
   */
  async invalidateActive(ids: readonly string[], now: number): Promise<{ invalidated: number; previouslyInvalidated: number }> {
    if (ids.length === 0) return { invalidated: 0, previouslyInvalidated: 0 };
    const inIds = { $in: ids.map((id) => assertString(id, "id")) };
    const withRefresh = await this.model.countDocuments({ _id: inIds, refresh_hash: { $ne: null } }).exec();
    const refresh = await this.model
      .updateMany({ _id: inIds, refresh_hash: { $ne: null }, refresh_invalidated: false }, { $set: { refresh_invalidated: true } })
      .exec();
    const access = await this.model
      .updateMany({ _id: inIds, invalidated: false }, { $set: { invalidated: true, invalidation_time: now } })
      .exec();
    const invalidated = refresh.modifiedCount + access.modifiedCount;
    return { invalidated, previouslyInvalidated: Math.max(0, withRefresh + ids.length - invalidated) };
  }

  /** Deletes documents whose tokens have all expired before `before`. Returns how many. */
  async removeExpired(before: number): Promise<number> {
    const result = await this.model.deleteMany({ purge_at: { $lt: before } }).exec();
    return result.deletedCount;
  }

  private static activeFilter(owner: TokenOwnerSelector, now: number): Record<string, unknown> {
    const filter: Record<string, unknown> = {
      $or: [
        { invalidated: false, expiration_time: { $gt: now } },
        { refresh_hash: { $ne: null }, refresh_invalidated: false, refresh_expiration_time: { $gt: now } },
      ],
    };
    if (owner.username !== undefined) filter.username = assertString(owner.username, "username");
    if (owner.realm !== undefined) filter.realm = assertString(owner.realm, "realm");
    return filter;
  }
}
