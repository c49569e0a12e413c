import type { Model } from "mongoose";
import { isDuplicateKey } from "./is-duplicate-key.js";
import type { UserDoc } from "./models.js";

/**
 * Native users. Every method takes validated primitives only (usernames are checked by the
 * caller), so request data never becomes a query operator.
 *
 * - `get` reads by `_id` (primary key).
 * - `upsert` is a single-document write: the user exists wholly or not at all.
 */
export class UserStore {
  constructor(private readonly model: Model<UserDoc>) {}

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
      const result = await this.model.updateOne({ _id: doc._id }, { $setOnInsert: { ...doc, version: 1 } }, { upsert: true }).exec();
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

  async update(username: string, fields: Partial<Pick<UserDoc, "enabled" | "password_hash">>): Promise<boolean> {
    const result = await this.model.updateOne({ _id: username }, { $set: fields, $inc: { version: 1 } }).exec();
    return result.matchedCount > 0;
  }
}
