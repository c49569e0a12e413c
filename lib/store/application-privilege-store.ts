import type { Model } from "mongoose";
import type { ApplicationPrivilegeDoc } from "./store-documents.js";

/** Named application privileges (`shop: read → ["data:read/*"]`). */
export class ApplicationPrivilegeStore {
  constructor(private readonly model: Model<ApplicationPrivilegeDoc>) {}

  async list(application?: string, names?: string[]): Promise<ApplicationPrivilegeDoc[]> {
    const filter: Record<string, unknown> = {};
    if (application !== undefined) filter.application = application;
    if (names !== undefined) filter.name = { $in: names };
    return this.model.find(filter).sort({ application: 1, name: 1 }).lean<ApplicationPrivilegeDoc[]>().exec();
  }

  /** Inserts or replaces one definition; true when created. */
  async put(doc: ApplicationPrivilegeDoc): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: doc._id },
        { $set: { application: doc.application, name: doc.name, actions: doc.actions, metadata: doc.metadata } },
        { upsert: true },
      )
      .exec();
    return result.upsertedCount > 0;
  }

  async delete(application: string, name: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: `${application}/${name}` }).exec();
    return result.deletedCount > 0;
  }
}
