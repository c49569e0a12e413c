import type { ClientRateLimitInfo, Options, Store } from "express-rate-limit";
import type { Model } from "mongoose";
import { escapeRegex } from "../support/escape-regex.js";
import { randomId } from "../support/random-id.js";
import type { CounterDoc } from "./store-documents.js";

/**
 * An express-rate-limit store on MongoDB, so every app instance shares one count per client.
 *
 * Fixed windows keyed by window number. Each hit is one inserted document
 * (`<prefix><encoded key>:<window>:<random>`) and the count is the number of them: an insert is atomic on
 * every MongoDB-compatible server, whereas a concurrent `$inc` upsert can fail with a duplicate
 * key (a hit that is then never counted) and FerretDB 1.x even loses concurrent increments, so a
 * parallel burst of failures could slip past the limit. The count reads only the `_id` index (an
 * anchored prefix); no TTL index is needed (FerretDB lacks them): {@link prune} deletes finished
 * windows.
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

  /**
   * The `_id` prefix of one client's hits in a window. The key is URI-encoded, so it holds no `:`:
   * keys may contain `:` (IPv6 addresses, claimed usernames), and the raw key `a:<window>:b`
   * would otherwise put its hits under the prefix of the key `a`.
   */
  private idPrefix(key: string, window: number): string {
    return `${this.prefix}${encodeURIComponent(key)}:${window}:`;
  }

  /** The anchored `_id` prefix of one client's hits in the current window. */
  private hits(key: string, window: number): { $regex: string } {
    return { $regex: `^${escapeRegex(this.idPrefix(key, window))}` };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const { id, resetAt } = this.window();
    const totalHits = await this.model.countDocuments({ _id: this.hits(key, id) }).exec();
    return totalHits > 0 ? { totalHits, resetTime: new Date(resetAt) } : undefined;
  }

  /**
   * Records one hit and returns the count including it (and possibly hits that landed at the
   * same moment: racing callers may all see the higher count, never a lower one).
   */
  async increment(key: string): Promise<ClientRateLimitInfo> {
    const { id, resetAt } = this.window();
    await this.model.create({ _id: `${this.idPrefix(key, id)}${randomId()}`, hits: 1, reset_at: resetAt });
    const totalHits = await this.model.countDocuments({ _id: this.hits(key, id) }).exec();
    return { totalHits: Math.max(1, totalHits), resetTime: new Date(resetAt) };
  }

  async decrement(key: string): Promise<void> {
    const { id } = this.window();
    const one = await this.model
      .findOne({ _id: this.hits(key, id) }, { _id: 1 })
      .lean<Pick<CounterDoc, "_id">>()
      .exec();
    if (one) await this.model.deleteOne({ _id: one._id }).exec();
  }

  async resetKey(key: string): Promise<void> {
    const { id } = this.window();
    await this.model.deleteMany({ _id: this.hits(key, id) }).exec();
  }

  /** Deletes counters of finished windows. */
  async prune(now = Date.now()): Promise<void> {
    await this.model.deleteMany({ reset_at: { $lt: now } }).exec();
  }
}
