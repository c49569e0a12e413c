import type { Model } from "mongoose";
import { distinctTextTokens } from "../support/text-tokens.js";
import { isDuplicateKey } from "./is-duplicate-key.js";
import type { UserDoc } from "./store-documents.js";
import { QUERY_FIELDS_VERSION } from "./query-fields-version.js";

/** The fields Query users reads besides the user's own: derived from `full_name` and `email`. */
type UserQueryFields = Pick<UserDoc, "full_name_tokens" | "email_tokens" | "query_fields">;

function userQueryFields(doc: Pick<UserDoc, "full_name" | "email">): UserQueryFields {
  return {
    full_name_tokens: distinctTextTokens(doc.full_name),
    email_tokens: distinctTextTokens(doc.email),
    query_fields: QUERY_FIELDS_VERSION,
  };
}

/**
 * Native users. Every method takes validated primitives only (usernames are checked by the
 * caller), so request data never becomes a query operator.
 *
 * - `get` reads by `_id` (primary key).
 * - `upsert` is a single-document write: the user exists wholly or not at all.
 * - Every write of `full_name` or `email` also writes their tokens (`query_fields`); documents
 *   written before those existed get them from {@link UserStore.backfillQueryFields}.
 */
export class UserStore {
  constructor(readonly model: Model<UserDoc>) {}

  async get(username: string): Promise<UserDoc | null> {
    return this.model.findById(username).lean<UserDoc>().exec();
  }

  async list(usernames?: string[]): Promise<UserDoc[]> {
    const filter = usernames ? { _id: { $in: usernames } } : {};
    return this.model.find(filter).sort({ _id: 1 }).lean<UserDoc[]>().exec();
  }

  /** Inserts or replaces; returns true when the user was created. */
  async upsert(doc: Omit<UserDoc, "version">): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: doc._id },
        {
          $set: {
            password_hash: doc.password_hash,
            roles: doc.roles,
            full_name: doc.full_name,
            email: doc.email,
            metadata: doc.metadata,
            enabled: doc.enabled,
            ...userQueryFields(doc),
          },
          $inc: { version: 1 },
        },
        { upsert: true },
      )
      .exec();
    return result.upsertedCount > 0;
  }

  /** Creates the user only if absent; returns false when it already existed. */
  async createIfAbsent(doc: Omit<UserDoc, "version">): Promise<boolean> {
    try {
      const result = await this.model
        .updateOne({ _id: doc._id }, { $setOnInsert: { ...doc, ...userQueryFields(doc), version: 1 } }, { upsert: true })
        .exec();
      return result.upsertedCount > 0;
    } catch (error) {
      // Two instances starting together both try to insert: MongoDB answers the loser with a
      // duplicate-key error, which here simply means "already present".
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async delete(username: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: username }).exec();
    return result.deletedCount > 0;
  }

  /** Password and status changes: they leave `full_name` and `email`, and so the query fields, as they are. */
  async update(username: string, fields: Partial<Pick<UserDoc, "enabled" | "password_hash">>): Promise<boolean> {
    const result = await this.model.updateOne({ _id: username }, { $set: fields, $inc: { version: 1 } }).exec();
    return result.matchedCount > 0;
  }

  /**
   * Writes the query fields of up to `batchSize` users that lack them (stored before they
   * existed). Each write is conditional on the version read, so a concurrent change is never
   * overwritten with stale tokens (that user is simply read again by the next batch).
   * @returns how many users were read, and how many were written
   */
  async backfillQueryFields(batchSize: number): Promise<{ read: number; written: number }> {
    const docs = await this.model
      .find({ query_fields: { $ne: QUERY_FIELDS_VERSION } }, { _id: 1, full_name: 1, email: 1, version: 1 })
      .limit(batchSize)
      .lean<Array<Pick<UserDoc, "_id" | "full_name" | "email" | "version">>>()
      .exec();
    let written = 0;
    for (const doc of docs) {
      const result = await this.model.updateOne({ _id: doc._id, version: doc.version ?? null }, { $set: userQueryFields(doc) }).exec();
      written += result.modifiedCount;
    }
    return { read: docs.length, written };
  }
}
