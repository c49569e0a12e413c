import type { Model } from "mongoose";
import type { RoleDescriptor } from "../model/role-descriptor.js";
import type { RoleDoc } from "./models.js";

/** Native roles, stored in their normalized descriptor form. Names are validated by callers. */
export class RoleStore {
  constructor(private readonly model: Model<RoleDoc>) {}

  async get(names: string[]): Promise<Map<string, RoleDescriptor>> {
    const docs = await this.model
      .find({ _id: { $in: names } })
      .lean<RoleDoc[]>()
      .exec();
    return new Map(docs.map((d) => [d._id, d.descriptor]));
  }

  async list(): Promise<Map<string, RoleDescriptor>> {
    const docs = await this.model.find({}).sort({ _id: 1 }).lean<RoleDoc[]>().exec();
    return new Map(docs.map((d) => [d._id, d.descriptor]));
  }

  /** Inserts or replaces; true when created. */
  async put(name: string, descriptor: RoleDescriptor): Promise<boolean> {
    const result = await this.model.updateOne({ _id: name }, { $set: { descriptor }, $inc: { version: 1 } }, { upsert: true }).exec();
    return result.upsertedCount > 0;
  }

  async delete(name: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: name }).exec();
    return result.deletedCount > 0;
  }
}
