import type { Model } from "mongoose";
import type { ClaimDoc } from "./alert-models.js";

const DUPLICATE_KEY = 11000;

function isDuplicateKey(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY;
}

/**
 * One-time claims on named slots ("run alert X due at T", "write version N of alert X"): of
 * several instances racing for a slot exactly one wins. It rests on the unique `_id` (the loser's
 * insert is a duplicate key), which every MongoDB-compatible server enforces atomically — unlike
 * conditional updates, which FerretDB 1.x does not run atomically under concurrency.
 *
 * A claim older than `staleAfterMs` (its holder crashed before finishing) may be taken over; that
 * takeover is a conditional delete, so on FerretDB two callers could both take over the same
 * stale claim — a crash followed by a race, which the demo accepts.
 */
export class ClaimStore {
  constructor(
    private readonly model: Model<ClaimDoc>,
    private readonly clock: () => number,
    private readonly staleAfterMs = 60_000,
  ) {}

  /** True when this caller won `slot` of the alert; `at` orders the alert's claims for pruning. */
  async claim(alertId: string, slot: string, at: number): Promise<boolean> {
    const _id = `${alertId}/${slot}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const now = this.clock();
      try {
        await this.model.create({ _id, alert_id: alertId, at, claimed_at: now });
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const stale = await this.model.deleteOne({ _id, claimed_at: { $lt: now - this.staleAfterMs } }).exec();
      if (stale.deletedCount === 0) return false;
    }
    return false;
  }

  /** Gives a claim back (the work it guarded failed before writing anything). */
  async release(alertId: string, slot: string): Promise<void> {
    await this.model.deleteOne({ _id: `${alertId}/${slot}` }).exec();
  }

  /** Forgets an alert's claims made before `at` (all of them without `at`). */
  async prune(alertId: string, at?: number): Promise<void> {
    await this.model.deleteMany(at === undefined ? { alert_id: alertId } : { alert_id: alertId, at: { $lt: at } }).exec();
  }
}
