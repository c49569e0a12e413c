import type { Model, mongo } from "mongoose";
import { nextRefillAt } from "../support/next-refill-at.js";
import { randomInt } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { unavailableError } from "../support/security-error.js";
import { CLAIM_PREFIX } from "./api-key-store.js";
import type { LeaseStore } from "./lease-store.js";
import type { ApiKeyCreditLeaseDoc, ApiKeyDoc } from "./store-documents.js";
import { storeTimeLimitOf } from "./store-time-limit.js";

/** How long a claim on a key's document holds if its holder dies mid-write. */
const CLAIM_MS = 10_000;
/** How long a sync keeps trying to claim a key other writers keep claiming. */
const CLAIM_WAIT_MS = 5_000;
/** Leases swept per run. */
const SWEEP_BATCH = 100;

/** A key's stored credit fields (`limits.credits` of the key document). */
export interface StoredCredits {
  remaining?: unknown;
  leased?: unknown;
  refill?: { interval?: unknown; amount?: unknown; refill_day?: unknown; last_refill?: unknown } | null;
}

/** What one instance asks of a key's balance in one {@link ApiKeyCreditStore.sync}. */
export interface CreditSyncRequest {
  keyId: string;
  instance: string;
  /** Credits spent from this instance's lease since its last sync: they leave `leased` for good. */
  spent: number;
  /** Credits to add to the lease (0: only settle and renew). */
  want: number;
  /** At most this fraction of the remaining balance goes to one grant (at least 1 credit). */
  maxShare: number;
  /** Gives every unspent credit of the lease back to `remaining` and ends the lease. */
  release: boolean;
  now: number;
  /** The lease is renewed until `now + leaseMs`. */
  leaseMs: number;
}

export interface CreditSyncResult {
  /** False when the key has no credits (any more), or is gone: nothing to enforce. */
  limited: boolean;
  /** Credits added to the lease. */
  granted: number;
  /** The balance left to lease, fleet-wide, after this sync. */
  remaining: number;
  /** The next refill (epoch ms), when the key refills. */
  nextRefill?: number;
  /** This sync refilled the balance. */
  refilled: boolean;
}

interface KeyCredits {
  version: number;
  credits: StoredCredits;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function refillInterval(value: unknown): "daily" | "monthly" | number | undefined {
  if (value === "daily" || value === "monthly") return value;
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/**
 * A key's credit balance, shared by every instance: `limits.credits.remaining` (not leased out)
 * and `limits.credits.leased` (held by instance leases) on the key document, and one lease
 * document per instance and key in `api_key_credit_leases`.
 *
 * Guarantees, on every MongoDB-compatible server:
 * - credits are never leased beyond `remaining`: every write of a key's credit fields (grant,
 *   settle, give back, refill, sweep) reads the document and writes it back under the
 *   `<id>@<version>` claim `ApiKeyStore` uses for its own writes, conditioned on that version and
 *   bumping it, so writers of the key (this store's and invalidation, update, hash upgrade) go
 *   one at a time. (On MongoDB a conditional `$inc` alone would be atomic; FerretDB 1.x applies
 *   updates as read-modify-write, where racing writers could both spend the same credits, or
 *   write back a key invalidated meanwhile.)
 * - the key document is written before the lease document, so a crash between the two leaves
 *   the block counted in `leased` and never spendable twice.
 * - {@link sweep} writes off expired leases of instances that stopped: their `held` credits leave
 *   `leased` without returning to `remaining` (any of them may have been spent unreported).
 * Index: lease `key_id`, `expire_at`.
 */
export class ApiKeyCreditStore {
  constructor(
    private readonly keys: Model<ApiKeyDoc>,
    readonly leases: Model<ApiKeyCreditLeaseDoc>,
    private readonly claims: LeaseStore,
    private readonly claimant: string,
  ) {}

  /**
   * Settles `spent`, renews the lease, refills the balance when due and grants up to `want`
   * credits (bounded by `maxShare` of what remains) to the instance's lease; with `release`,
   * gives the lease's unspent credits back and deletes it. Throws the 503 `status_exception` when
   * the key stays claimed by other writers for 5 s.
   */
  async sync(request: CreditSyncRequest): Promise<CreditSyncResult> {
    const giveUpAt = Date.now() + CLAIM_WAIT_MS;
    for (let attempt = 1; ; attempt++) {
      const key = await this.read(request.keyId);
      if (key === undefined) {
        if (request.release) await this.leases.deleteOne({ _id: leaseId(request.instance, request.keyId) }).exec();
        return { limited: false, granted: 0, remaining: 0, refilled: false };
      }
      const outcome = await this.withClaim(request.keyId, key.version, () => this.syncClaimed(request, key));
      if (outcome !== undefined) return outcome;
      if (Date.now() >= giveUpAt) throw unavailableError(`the credits of api key [${request.keyId}] could not be updated`);
      // Short, flat pauses: the claim is held for a few round trips, and a growing pause would let
      // the instances that keep winning starve this one.
      await delay(2 + randomInt(Math.min(20, 2 * attempt) + 1));
    }
  }

  /**
   * Writes off the leases that expired more than `graceMs` before `now` (their instance stopped
   * without giving them back). Returns how many leases it settled.
   */
  async sweep(now: number, graceMs: number): Promise<number> {
    const expired = await this.leases
      .find({ expire_at: { $lt: now - graceMs } })
      .limit(SWEEP_BATCH)
      .lean<ApiKeyCreditLeaseDoc[]>()
      .exec();
    let settled = 0;
    for (const lease of expired) {
      const key = await this.read(lease.key_id);
      if (key === undefined) {
        await this.leases.deleteOne({ _id: lease._id }).exec();
        continue;
      }
      const done = await this.withClaim(lease.key_id, key.version, async () => {
        // Re-read under the claim: the instance may have renewed it, or another sweeper settled it.
        const current = await this.leases.findById(lease._id).lean<ApiKeyCreditLeaseDoc>().exec();
        if (!current || current.expire_at >= now - graceMs) return false;
        const leased = Math.max(0, count(key.credits.leased) - count(current.held));
        if (!(await this.write(lease.key_id, key.version, { "limits.credits.leased": leased }))) return false;
        await this.leases.deleteOne({ _id: lease._id }).exec();
        return true;
      });
      if (done === true) settled++;
    }
    return settled;
  }

  /** `remaining` and `leased` of each key of `ids` that has credits. */
  async balances(ids: readonly string[]): Promise<Map<string, { remaining: number; leased: number }>> {
    const limit = storeTimeLimitOf(this.keys);
    const docs = await limit.run(
      this.keys.collection
        .find({ _id: { $in: ids.map(String) } } as unknown as mongo.Filter<mongo.Document>, {
          projection: { "limits.credits.remaining": 1, "limits.credits.leased": 1 },
          ...limit.options,
        })
        .toArray(),
    );
    const out = new Map<string, { remaining: number; leased: number }>();
    for (const doc of docs) {
      const credits = (doc as { limits?: { credits?: StoredCredits } }).limits?.credits;
      if (credits) out.set(String(doc._id), { remaining: count(credits.remaining), leased: count(credits.leased) });
    }
    return out;
  }

  /** A key's current balance; `undefined` when it has no credits (or does not exist). */
  async stateOf(id: string): Promise<{ remaining: number; leased: number } | undefined> {
    const key = await this.read(id);
    return key ? { remaining: count(key.credits.remaining), leased: count(key.credits.leased) } : undefined;
  }

  /** Adds `amount` (may be negative, never below 0) to the not-yet-leased balance; `undefined` when the key has no credits. */
  async add(id: string, amount: number): Promise<{ remaining: number; leased: number } | undefined> {
    if (!Number.isSafeInteger(amount)) throw new TypeError("api-key credits: amount must be an integer");
    return this.rewrite(id, (credits) => Math.max(0, count(credits.remaining) + amount));
  }

  /**
   * Makes the key's whole balance `total`: what instances already hold counts, so the unleased
   * part becomes `total - leased` (at least 0). `undefined` when the key has no credits.
   */
  async setTotal(id: string, total: number): Promise<{ remaining: number; leased: number } | undefined> {
    if (!Number.isSafeInteger(total) || total < 0) throw new TypeError("api-key credits: total must be a non-negative integer");
    return this.rewrite(id, (credits) => Math.max(0, total - count(credits.leased)));
  }

  /** A management write of `remaining`, under the same claim as the engine's, retried while other writers hold the key. */
  private async rewrite(
    id: string,
    remainingOf: (credits: StoredCredits) => number,
  ): Promise<{ remaining: number; leased: number } | undefined> {
    const giveUpAt = Date.now() + CLAIM_WAIT_MS;
    for (let attempt = 1; ; attempt++) {
      const key = await this.read(id);
      if (key === undefined) return undefined;
      const remaining = remainingOf(key.credits);
      const written = await this.withClaim(id, key.version, () => this.write(id, key.version, { "limits.credits.remaining": remaining }));
      if (written === true) return { remaining, leased: count(key.credits.leased) };
      if (Date.now() >= giveUpAt) throw unavailableError(`the credits of api key [${id}] could not be updated`);
      await delay(2 + randomInt(Math.min(20, 2 * attempt) + 1));
    }
  }

  private async syncClaimed(request: CreditSyncRequest, key: KeyCredits): Promise<CreditSyncResult | undefined> {
    const id = leaseId(request.instance, request.keyId);
    const lease = await this.leases.findById(id).lean<ApiKeyCreditLeaseDoc>().exec();
    // A lease the sweeper wrote off is gone: what this instance still spends from it was
    // already taken out of `leased`, so it must not be settled twice.
    const held = count(lease?.held);
    const spent = Math.min(count(request.spent), held);
    let leased = Math.max(0, count(key.credits.leased) - spent);
    let remaining = count(key.credits.remaining);
    let unspent = held - spent;
    if (request.release) {
      leased = Math.max(0, leased - unspent);
      remaining += unspent;
      unspent = 0;
    }
    const set: Record<string, number> = {};
    const refill = key.credits.refill ?? undefined;
    const interval = refillInterval(refill?.interval);
    let nextRefill: number | undefined;
    let refilled = false;
    if (refill && interval !== undefined) {
      const amount = count(refill.amount);
      const day = count(refill.refill_day) || undefined;
      const last = typeof refill.last_refill === "number" ? refill.last_refill : undefined;
      if (last === undefined) {
        set["limits.credits.refill.last_refill"] = request.now;
        nextRefill = nextRefillAt(interval, request.now, day);
      } else if (nextRefillAt(interval, last, day) <= request.now) {
        // The balance after a refill is `amount`, of which what instances hold counts as given.
        remaining = Math.max(0, amount - leased);
        refilled = true;
        set["limits.credits.refill.last_refill"] = request.now;
        nextRefill = nextRefillAt(interval, request.now, day);
      } else {
        nextRefill = nextRefillAt(interval, last, day);
      }
    }
    const cap = Math.max(1, Math.floor(remaining * request.maxShare));
    const granted = request.release ? 0 : Math.min(count(request.want), remaining, cap);
    remaining -= granted;
    leased += granted;
    unspent += granted;
    set["limits.credits.remaining"] = remaining;
    set["limits.credits.leased"] = leased;
    if (!(await this.write(request.keyId, key.version, set))) return undefined;
    if (request.release || unspent === 0) await this.leases.deleteOne({ _id: id }).exec();
    else {
      await this.leases
        .updateOne(
          { _id: id },
          { $set: { key_id: request.keyId, instance: request.instance, held: unspent, expire_at: request.now + request.leaseMs } },
          { upsert: true },
        )
        .exec();
    }
    return { limited: true, granted, remaining, refilled, ...(nextRefill !== undefined ? { nextRefill } : {}) };
  }

  /** The key's version and credit fields; `undefined` when it is gone or has no credits. */
  private async read(keyId: string): Promise<KeyCredits | undefined> {
    const limit = storeTimeLimitOf(this.keys);
    const doc = await limit.run(
      this.keys.collection.findOne<{ version?: unknown; limits?: { credits?: StoredCredits | null } }>(
        { _id: String(keyId) } as unknown as mongo.Filter<mongo.Document>,
        { projection: { version: 1, "limits.credits": 1 }, ...limit.options },
      ),
    );
    const credits = doc?.limits?.credits;
    if (!doc || credits === null || typeof credits !== "object") return undefined;
    return { version: typeof doc.version === "number" ? doc.version : 1, credits };
  }

  /** `$set` of credit fields at `version` (bumping it); false when another writer moved it on. */
  private async write(keyId: string, version: number, set: Record<string, number>): Promise<boolean> {
    const result = await this.keys.collection.updateOne({ _id: String(keyId), version } as unknown as mongo.Filter<mongo.Document>, {
      $set: set,
      $inc: { version: 1 },
    });
    return result.modifiedCount > 0;
  }

  private async withClaim<T>(keyId: string, version: number, work: () => Promise<T>): Promise<T | undefined> {
    const claim = `${CLAIM_PREFIX}${keyId}@${version}`;
    const now = Date.now();
    if (!(await this.claims.acquire(claim, this.claimant, now, now + CLAIM_MS))) return undefined;
    try {
      return await work();
    } finally {
      await this.claims.drop(claim, this.claimant);
    }
  }
}

function leaseId(instance: string, keyId: string): string {
  return `${instance}/${keyId}`;
}
