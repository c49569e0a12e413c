import type { ClientRateLimitInfo, Options, Store } from "express-rate-limit";
import type { Model } from "mongoose";
import type { CounterDoc } from "./models.js";

/**
 * An express-rate-limit store on MongoDB, so every app instance shares one count per client.
 *
 * Fixed windows keyed by window number: one atomic upsert with `$inc` per hit, no read-modify-
 * write, no TTL index needed (FerretDB lacks them); {@link prune} deletes finished windows.
 */
export class MongoRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly model: Model<CounterDoc>,
    readonly prefix = "authc:",
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private window(now = Date.now()): { id: number; resetAt: number } {
    const id = Math.floor(now / this.windowMs);
    return { id, resetAt: (id + 1) * this.windowMs };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const { id, resetAt } = this.window();
    const doc = await this.model.findById(`${this.prefix}${key}:${id}`).lean<CounterDoc>().exec();
    return doc ? { totalHits: doc.hits, resetTime: new Date(resetAt) } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const { id, resetAt } = this.window();
    const doc = await this.model
      .findOneAndUpdate({ _id: `${this.prefix}${key}:${id}` }, { $inc: { hits: 1 }, $setOnInsert: { reset_at: resetAt } }, { upsert: true, returnDocument: "after" })
      .lean<CounterDoc>()
      .exec();
    return { totalHits: doc?.hits ?? 1, resetTime: new Date(resetAt) };
  }

  async decrement(key: string): Promise<void> {
    const { id } = this.window();
    await this.model.updateOne({ _id: `${this.prefix}${key}:${id}`, hits: { $gt: 0 } }, { $inc: { hits: -1 } }).exec();
  }

  async resetKey(key: string): Promise<void> {
    const { id } = this.window();
    await this.model.deleteOne({ _id: `${this.prefix}${key}:${id}` }).exec();
  }

  /** Deletes counters of finished windows. */
  async prune(now = Date.now()): Promise<void> {
    await this.model.deleteMany({ reset_at: { $lt: now } }).exec();
  }
}
