import type { Model } from "mongoose";
import type { RoleDescriptor } from "../model/role-descriptor.js";
import type { RoleDoc } from "./store-documents.js";
import { QUERY_FIELDS_VERSION } from "./query-fields-version.js";

/** What Query roles reads besides the descriptor, computed from it (see `RoleStore`). */
export type RoleQueryFields = Required<Pick<RoleDoc, "description_tokens" | "metadata_flattened" | "metadata_values">>;

/**
 * Native roles, stored in their normalized descriptor form. Names are validated by callers.
 * Every write also stores the descriptor's query fields, computed by `queryFields` (the role
 * service's rules for metadata); documents written before those existed get them from
 * {@link RoleStore.backfillQueryFields}.
 */
export class RoleStore {
  constructor(
    readonly model: Model<RoleDoc>,
    private readonly queryFields: (descriptor: RoleDescriptor) => RoleQueryFields,
  ) {}

  async get(names: string[]): Promise<Map<string, RoleDescriptor>> {
    const docs = await this.model
      .find({ _id: { $in: names } }, { descriptor: 1 })
      .lean<RoleDoc[]>()
      .exec();
    return new Map(docs.map((d) => [d._id, d.descriptor]));
  }

  async list(): Promise<Map<string, RoleDescriptor>> {
    const docs = await this.model.find({}, { descriptor: 1 }).sort({ _id: 1 }).lean<RoleDoc[]>().exec();
    return new Map(docs.map((d) => [d._id, d.descriptor]));
  }

  /** Inserts or replaces; true when created. */
  async put(name: string, descriptor: RoleDescriptor): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: name },
        { $set: { descriptor, ...this.queryFields(descriptor), query_fields: QUERY_FIELDS_VERSION }, $inc: { version: 1 } },
        { upsert: true },
      )
      .exec();
    return result.upsertedCount > 0;
  }

  async delete(name: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: name }).exec();
    return result.deletedCount > 0;
  }

  /** As `UserStore.backfillQueryFields`, for roles. */
  async backfillQueryFields(batchSize: number): Promise<{ read: number; written: number }> {
    const docs = await this.model
      .find({ query_fields: { $ne: QUERY_FIELDS_VERSION } }, { _id: 1, descriptor: 1, version: 1 })
      .limit(batchSize)
      .lean<Array<Pick<RoleDoc, "_id" | "descriptor" | "version">>>()
      .exec();
    let written = 0;
    for (const doc of docs) {
      const fields = { ...this.queryFields(doc.descriptor), query_fields: QUERY_FIELDS_VERSION };
      const result = await this.model.updateOne({ _id: doc._id, version: doc.version ?? null }, { $set: fields }).exec();
      written += result.modifiedCount;
    }
    return { read: docs.length, written };
  }
}
