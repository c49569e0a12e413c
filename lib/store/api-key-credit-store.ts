import type { Model } from "mongoose";
import type { ApiKeyDoc } from "./models.js";

/** A key's credit balance as stored: not yet leased, and held by instances. */
export interface ApiKeyCreditState {
  remaining: number;
  leased: number;
}

/** How often a balance write re-reads when the leases moved under it. */
const MAX_ATTEMPTS = 20;

type CreditsProjection = Pick<ApiKeyDoc, "limits">;

/**
 * Management writes of a key's credit balance. The enforcement engine leases and returns credits
 * with atomic `$inc`s of `limits.credits.remaining` and `leased` at any time, so these writes
 * never read-modify-write the balance blindly: adding is one `$inc`, setting is conditioned on the
 * leases it was computed from.
 */
export class ApiKeyCreditStore {
  constructor(private readonly model: Model<ApiKeyDoc>) {}

  /** The current balance of a key with credits; `undefined` when it has none (or does not exist). */
  async stateOf(id: string): Promise<ApiKeyCreditState | undefined> {
    const doc = await this.model.findById(id, { limits: 1 }).lean<CreditsProjection>().exec();
    const credits = doc?.limits?.credits;
    return credits ? { remaining: credits.remaining, leased: credits.leased ?? 0 } : undefined;
  }

  /** Adds `amount` to the not-yet-leased balance; `undefined` when the key has no credits. */
  async add(id: string, amount: number): Promise<ApiKeyCreditState | undefined> {
    if (!Number.isInteger(amount)) throw new TypeError("api-key credits: amount must be an integer");
    const doc = await this.model
      .findOneAndUpdate(
        { _id: id, "limits.credits.remaining": { $type: "number" } },
        { $inc: { "limits.credits.remaining": amount } },
        { new: true },
      )
      .lean<CreditsProjection>()
      .exec();
    const credits = doc?.limits?.credits;
    return credits ? { remaining: credits.remaining, leased: credits.leased ?? 0 } : undefined;
  }

  /**
   * Makes the key's whole balance `total`: what instances already hold counts, so the unleased
   * part becomes `total - leased` (at least 0). `undefined` when the key has no credits; `false`
   * when the leases kept moving (an extremely busy key).
   */
  async setTotal(id: string, total: number): Promise<ApiKeyCreditState | undefined | false> {
    if (!Number.isInteger(total) || total < 0) throw new TypeError("api-key credits: total must be a non-negative integer");
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const state = await this.stateOf(id);
      if (!state) return undefined;
      const remaining = Math.max(0, total - state.leased);
      const filter =
        state.leased === 0
          ? { _id: id, "limits.credits.remaining": { $type: "number" }, "limits.credits.leased": { $in: [0, null] } }
          : { _id: id, "limits.credits.leased": state.leased };
      const result = await this.model.updateOne(filter, { $set: { "limits.credits.remaining": remaining } }).exec();
      if (result.matchedCount > 0) return { remaining, leased: state.leased };
    }
    return false;
  }
}
