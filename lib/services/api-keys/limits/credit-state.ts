import type { ApiKeyCreditStore, CreditSyncResult } from "../../../store/api-key-credit-store.js";
import { blockSize, RateMeter } from "./rate-meter.js";
import type { Verdict } from "./rate-limit-state.js";

/** The largest grant: this share of the balance left to lease (at least 1 credit). */
export const CREDIT_MAX_SHARE = 0.1;
/** A lease lasts this long past its last renewal. */
export const CREDIT_LEASE_MS = 30_000;
/** An instance stops spending a lease this long before it ends unless renewed (clock skew). */
export const CREDIT_SPEND_MARGIN_MS = 5_000;
/** A held lease is renewed once less than this is left of it. */
const RENEW_BEFORE_MS = 20_000;
/** Spending is settled into the key's `leased` at least this often while there is any. */
const SETTLE_EVERY_MS = 5_000;
/** A lease unused this long is given back. */
const IDLE_RELEASE_MS = 10_000;
/** A key found out of credits is asked again at most this often (a top-up or refill shows then). */
const RECHECK_MS = 1_000;

/**
 * One instance's lease of one key's credits: `available` is what it may still spend without
 * asking the database, `unsynced` what it spent since it last told the store. Spending is
 * synchronous; grants, settlements and renewals are {@link sync}s, one at a time per key, run in
 * the background (prefetch, maintenance) or awaited by a request that found too little.
 */
export class CreditState {
  private available = 0;
  private unsynced = 0;
  private leaseUntil = 0;
  private lastSync = 0;
  private exhausted = false;
  private recheckAt = 0;
  private nextRefill: number | undefined;
  /**
   * The store found no credits on the key (removed since it was cached): nothing is charged until
   * then, and the store is asked again after it.
   */
  private unlimitedUntil = 0;
  private syncing: Promise<CreditSyncResult | undefined> | undefined;
  private readonly meter = new RateMeter();
  /** What the requests waiting in {@link ensure} need, together. */
  private waiting = 0;
  /** Set when a refusal was announced (audited) for the current exhaustion; cleared by a grant. */
  announced = false;
  lastUse = 0;

  constructor(
    readonly keyId: string,
    private readonly store: ApiKeyCreditStore,
    private readonly instance: string,
  ) {}

  verdict(cost: number, now: number): Verdict {
    if (now < this.unlimitedUntil) return "ok";
    if (this.available >= cost && now < this.leaseUntil - CREDIT_SPEND_MARGIN_MS) return "ok";
    return this.exhausted && now < this.recheckAt ? "over" : "wait";
  }

  /** Milliseconds to the next refill, when the key refills. */
  refillWaitMs(now: number): number | undefined {
    return this.nextRefill !== undefined ? Math.max(0, this.nextRefill - now) : undefined;
  }

  take(cost: number, now: number): void {
    if (now < this.unlimitedUntil) return;
    this.available -= cost;
    this.unsynced += cost;
    this.lastUse = now;
    this.meter.add(cost, now);
    const block = this.block(now);
    if (this.available * 2 < block && !this.exhausted && this.syncing === undefined) void this.sync(block, false).catch(() => undefined);
  }

  /**
   * Gets enough credits to spend `cost` if the balance has them (else leaves the key exhausted).
   * Requests waiting together share one sync, sized for all of them.
   */
  async ensure(cost: number, now: number): Promise<void> {
    this.waiting += cost;
    try {
      while (this.syncing !== undefined) {
        await this.syncing.catch(() => undefined);
        if (this.verdict(cost, Date.now()) !== "wait") return;
      }
      if (this.verdict(cost, Date.now()) !== "wait") return;
      await this.sync(Math.max(this.waiting - this.available, this.block(now)), false);
    } finally {
      this.waiting -= cost;
    }
  }

  /** The periodic work: settle spending, renew, give back an idle lease. */
  maintain(now: number): Promise<unknown> | undefined {
    if (this.syncing !== undefined) return undefined;
    const holds = this.available > 0 || this.unsynced > 0;
    if (!holds) return undefined;
    if (now - this.lastUse > IDLE_RELEASE_MS) return this.sync(0, true);
    if (this.leaseUntil - now < RENEW_BEFORE_MS || (this.unsynced > 0 && now - this.lastSync > SETTLE_EVERY_MS)) {
      return this.sync(0, false);
    }
    return undefined;
  }

  /** Whether the state holds nothing and may be forgotten. */
  idle(now: number): boolean {
    return this.syncing === undefined && this.available === 0 && this.unsynced === 0 && now - this.lastUse > IDLE_RELEASE_MS;
  }

  /** Gives every unspent credit back (close): waits for a sync in flight first. */
  async release(): Promise<void> {
    if (this.syncing !== undefined) await this.syncing.catch(() => undefined);
    if (this.available > 0 || this.unsynced > 0) await this.sync(0, true);
  }

  private block(now: number): number {
    return blockSize(this.meter, now, 1, Number.MAX_SAFE_INTEGER);
  }

  private sync(want: number, release: boolean): Promise<CreditSyncResult | undefined> {
    const previous = this.syncing ?? Promise.resolve(undefined);
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        const spent = this.unsynced;
        this.unsynced = 0;
        // Given back means no longer spendable here, from this moment.
        if (release) this.available = 0;
        const now = Date.now();
        let result: CreditSyncResult;
        try {
          result = await this.store.sync({
            keyId: this.keyId,
            instance: this.instance,
            spent,
            want,
            maxShare: CREDIT_MAX_SHARE,
            release,
            now,
            leaseMs: CREDIT_LEASE_MS,
          });
        } catch (error) {
          this.unsynced += spent;
          throw error;
        }
        this.lastSync = now;
        if (!result.limited) {
          this.unlimitedUntil = now + RECHECK_MS;
          this.available = 0;
          return result;
        }
        this.nextRefill = result.nextRefill;
        if (!release) {
          this.available += result.granted;
          this.leaseUntil = now + CREDIT_LEASE_MS;
        }
        if (result.granted > 0) {
          this.exhausted = false;
          this.announced = false;
        } else if (want > 0 && result.remaining === 0) {
          this.exhausted = true;
          const refill = this.nextRefill;
          this.recheckAt = refill !== undefined && refill < now + RECHECK_MS ? refill : now + RECHECK_MS;
        }
        return result;
      });
    const tracked = run.finally(() => {
      if (this.syncing === tracked) this.syncing = undefined;
    });
    this.syncing = tracked;
    return tracked;
  }
}
