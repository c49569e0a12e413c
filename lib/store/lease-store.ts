import type { Model } from "mongoose";
import { escapeRegex } from "../support/escape-regex.js";
import type { LeaseDoc } from "./store-documents.js";
import { isDuplicateKey } from "./is-duplicate-key.js";

/**
 * Named leases in the `leases` collection: at most one holder per name until `until` (epoch ms).
 *
 * Guarantee: of several callers racing for a free lease exactly one wins, and a held, unexpired
 * lease is never taken over: both rest on the unique `_id` (the losing insert is a duplicate key),
 * which every MongoDB-compatible server enforces atomically. Taking over an *expired* lease rests on
 * an insert too: each caller that saw the expired lease inserts a ticket named after that expired
 * incarnation (`<name>#<until>`), and only the one whose ticket insert wins replaces the lease. A
 * conditional update or delete would not do: FerretDB 1.x evaluates their filters apart from the
 * write, so two callers could both "take over", or one could delete the other's fresh lease.
 * Tickets are kept {@link TICKET_KEEP_MS}, then swept. No TTL index is needed: expiry is the
 * `until` comparison.
 */
/** How long a takeover ticket (see {@link LeaseStore}) is kept: far longer than any racing caller's pause. */
export const TICKET_KEEP_MS = 10 * 60_000;

export class LeaseStore {
  constructor(private readonly model: Model<LeaseDoc>) {}

  /**
   * Takes lease `name` until `until` if it is free or expired at `now` (also when `owner` held it:
   * a lease doubles as "not again before `until`"). True when acquired.
   */
  async acquire(name: string, owner: string, now: number, until: number): Promise<boolean> {
    if (await this.insert(name, owner, until)) return true;
    const current = await this.model.findById(name).lean<LeaseDoc>().exec();
    if (!current) return this.insert(name, owner, until);
    if (current.until > now) return false;
    if (!(await this.insert(`${name}#${current.until}`, owner, now + TICKET_KEEP_MS))) return false;
    await this.model.deleteOne({ _id: name }).exec();
    const tickets = `^${escapeRegex(name)}#`;
    void this.model
      .deleteMany({ _id: { $regex: tickets }, until: { $lt: now } })
      .exec()
      .catch(() => undefined);
    return this.insert(name, owner, until);
  }

  /** Inserts the lease; false when it exists (someone holds it, or took it over first). */
  private async insert(name: string, owner: string, until: number): Promise<boolean> {
    try {
      await this.model.create({ _id: name, owner, until });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Shortens a lease held by `owner` to `until` (e.g. to allow the next run at that time). */
  async release(name: string, owner: string, until: number): Promise<void> {
    await this.model.updateOne({ _id: name, owner }, { $set: { until } }).exec();
  }

  /** Deletes lease `name` if `owner` still holds it (a one-off claim that is done). */
  async drop(name: string, owner: string): Promise<void> {
    await this.model.deleteOne({ _id: name, owner }).exec();
  }

  /** Deletes the leases named `<prefix>…` that expired at or before `now` (left by crashed holders). */
  async dropExpired(prefix: string, now: number): Promise<number> {
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
    const result = await this.model.deleteMany({ _id: { $regex: `^${escaped}` }, until: { $lte: now } }).exec();
    return result.deletedCount;
  }

  async get(name: string): Promise<LeaseDoc | null> {
    return this.model.findById(name).lean<LeaseDoc>().exec();
  }
}
