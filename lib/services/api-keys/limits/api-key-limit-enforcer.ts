import type { AuditTrail } from "../../../audit/audit-trail.js";
import type { ApiKeyLimits, ApiKeyRateLimit } from "../../../model/api-key-limits.js";
import type { Authentication } from "../../../model/authentication.js";
import { ApiKeyCreditStore } from "../../../store/api-key-credit-store.js";
import { limitState, type ApiKeyLimitState } from "../../../store/api-key-limit-state.js";
import { ApiKeyRateWindowStore } from "../../../store/api-key-rate-window-store.js";
import { LeaseStore } from "../../../store/lease-store.js";
import type { SecurityModels } from "../../../store/models.js";
import { randomId } from "../../../support/random-id.js";
import type { SecurityError } from "../../../support/security-error.js";
import { withDeadline } from "../../../support/with-deadline.js";
import { CREDIT_LEASE_MS, CreditState } from "./credit-state.js";
import { rateLimitExceeded, usageExceeded } from "./limit-errors.js";
import { RateLimitState, type Verdict } from "./rate-limit-state.js";

/** A charge's answer: nothing (accepted, now), the 429 (now), or either later. */
export type ChargeOutcome = SecurityError | undefined | Promise<SecurityError | undefined>;

interface LimitState {
  verdict(cost: number, now: number): Verdict;
  take(cost: number, now: number): void;
  ensure(cost: number, now: number): Promise<void>;
}

interface Demand {
  state: LimitState;
  cost: number;
}

/** Maintenance runs every second; the sweep of dead leases and the prune of old windows less often. */
const TICK_MS = 1000;
const SWEEP_EVERY_TICKS = 10;
const PRUNE_EVERY_TICKS = 60;
/** A lease is written off this long after it expired (its instance stopped spending 5 s before it). */
const SWEEP_GRACE_MS = CREDIT_LEASE_MS;
/** Rate-limit states unused this long are forgotten. */
const FORGET_RATE_STATE_MS = 10 * 60_000;
/** Leases a charge waits for before it gives up (each one taken by other requests of the same key). */
const SLOW_ATTEMPTS = 8;
/** `close()` waits this long at most for the leases to go back. */
const CLOSE_MS = 10_000;

export interface ApiKeyLimitEnforcerDeps {
  models: SecurityModels;
  audit?: AuditTrail;
  clock?: () => number;
}

/**
 * Enforces the rate limits and credits of API keys on this instance, without a database write on
 * the request path: each instance spends allowance and credits it leased in blocks
 * ({@link RateLimitState}, {@link CreditState}), and leases the next block in the background
 * before the current one runs out. Only a key's first request on an instance, a burst beyond the
 * prefetched block, or a key found exhausted (at most once a second) waits for one lease.
 *
 * A charge is all or nothing: the request's rate limits and credits are each checked before any
 * of them is spent, so a refused request costs nothing.
 */
export class ApiKeyLimitEnforcer {
  /** This instance's name in the lease and window documents. */
  readonly instance = randomId();
  readonly windows: ApiKeyRateWindowStore;
  readonly credits: ApiKeyCreditStore;
  private readonly models: SecurityModels;
  private readonly audit: AuditTrail | undefined;
  private readonly clock: () => number;
  private readonly rates = new Map<string, RateLimitState>();
  private readonly balances = new Map<string, CreditState>();
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;

  constructor(deps: ApiKeyLimitEnforcerDeps) {
    this.models = deps.models;
    this.audit = deps.audit;
    this.clock = deps.clock ?? Date.now;
    this.windows = new ApiKeyRateWindowStore(deps.models.apiKeyRateWindows);
    this.credits = new ApiKeyCreditStore(
      deps.models.apiKeys,
      deps.models.apiKeyCreditLeases,
      new LeaseStore(deps.models.leases),
      this.instance,
    );
  }

  /**
   * The charge of an authenticated request: 1 against every `auto_apply` rate limit of its key
   * and 1 credit when the key has credits.
   */
  chargeRequest(auth: Authentication, limits: ApiKeyLimits): ChargeOutcome {
    return this.charge(auth, limits, undefined, 1);
  }

  /**
   * The charge of a route (`security.consume(name, cost)`): `cost` against the key's rate limit
   * `name` (when it has one) and `cost` credits (when it has credits), on top of the request's own.
   */
  chargeRoute(auth: Authentication, limits: ApiKeyLimits, name: string, cost: number): ChargeOutcome {
    return this.charge(auth, limits, name, cost);
  }

  /** The live state of each key of `ids` that has limits (for Get and Query). */
  state(ids: readonly string[]): Promise<Map<string, ApiKeyLimitState>> {
    return limitState({ keys: this.models.apiKeys, windows: this.windows, credits: this.credits }, ids, this.clock());
  }

  /** Starts the background work: renewals and settlements, the sweep of dead leases, pruning. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), TICK_MS).unref();
  }

  /** Stops the background work and gives every unspent credit this instance holds back. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const releases = Promise.all([...this.balances.values()].map((state) => state.release().catch(() => undefined)));
    await withDeadline(releases, CLOSE_MS, () => new Error("credit leases were not given back in time")).catch(() => undefined);
    this.balances.clear();
    this.rates.clear();
  }

  private charge(auth: Authentication, limits: ApiKeyLimits, name: string | undefined, cost: number): ChargeOutcome {
    const id = (auth.apiKey as { id: string }).id;
    const now = this.clock();
    const demands: Demand[] = [];
    for (const limit of limits.rateLimits) {
      if (name === undefined ? limit.autoApply : limit.name === name) demands.push({ state: this.rateState(id, limit), cost });
    }
    if (limits.credits !== undefined && cost > 0) demands.push({ state: this.creditState(id), cost });
    if (demands.length === 0) return undefined;
    const outcome = this.settle(auth, demands, now);
    return outcome === "wait" ? this.chargeSlowly(auth, demands) : outcome;
  }

  /** Spends every demand when all can be spent now; the refusal when one cannot ever be; else `wait`. */
  private settle(auth: Authentication, demands: readonly Demand[], now: number): SecurityError | undefined | "wait" {
    let wait = false;
    for (const demand of demands) {
      const verdict = demand.state.verdict(demand.cost, now);
      if (verdict === "over") return this.refusal(auth, demand.state, now);
      if (verdict === "wait") wait = true;
    }
    if (wait) return "wait";
    for (const demand of demands) demand.state.take(demand.cost, now);
    return undefined;
  }

  private async chargeSlowly(auth: Authentication, demands: readonly Demand[]): Promise<SecurityError | undefined> {
    for (let attempt = 1; ; attempt++) {
      const now = this.clock();
      await Promise.all(demands.map((d) => (d.state.verdict(d.cost, now) === "wait" ? d.state.ensure(d.cost, now) : Promise.resolve())));
      const later = this.clock();
      const outcome = this.settle(auth, demands, later);
      if (outcome !== "wait") return outcome;
      if (attempt >= SLOW_ATTEMPTS) {
        // Every grant went to other requests of the key: what is left is not enough for this one.
        const short = demands.find((d) => d.state.verdict(d.cost, later) !== "ok") as Demand;
        return this.refusal(auth, short.state, later);
      }
    }
  }

  private refusal(auth: Authentication, state: LimitState, now: number): SecurityError {
    const id = (auth.apiKey as { id: string }).id;
    if (state instanceof RateLimitState) return rateLimitExceeded(id, state.limit, state.waitMs(now));
    const credits = state as CreditState;
    if (!credits.announced) {
      credits.announced = true;
      this.audit?.emit(() => ({
        type: "api_key_usage_exceeded",
        timestamp: new Date(now).toISOString(),
        api_key_id: id,
        api_key_name: auth.apiKey?.name ?? null,
        username: auth.user.username,
        realm: auth.apiKey?.creatorRealm.name ?? auth.authenticationRealm.name,
      }));
    }
    return usageExceeded(id, credits.refillWaitMs(now));
  }

  private rateState(id: string, limit: ApiKeyRateLimit): RateLimitState {
    const name = `${id}/${limit.name}`;
    const known = this.rates.get(name);
    if (known !== undefined && known.limit.limit === limit.limit && known.limit.windowMs === limit.windowMs) return known;
    const state = new RateLimitState(id, limit, this.windows, this.instance);
    this.rates.set(name, state);
    return state;
  }

  private creditState(id: string): CreditState {
    let state = this.balances.get(id);
    if (state === undefined) {
      state = new CreditState(id, this.credits, this.instance);
      this.balances.set(id, state);
    }
    return state;
  }

  private tick(): void {
    const now = this.clock();
    this.ticks++;
    for (const [id, state] of this.balances) {
      void state.maintain(now)?.catch(() => undefined);
      if (state.idle(now)) this.balances.delete(id);
    }
    for (const [name, state] of this.rates) if (now - state.lastUse > FORGET_RATE_STATE_MS) this.rates.delete(name);
    if (this.ticks % SWEEP_EVERY_TICKS === 0) void this.credits.sweep(now, SWEEP_GRACE_MS).catch(() => undefined);
    if (this.ticks % PRUNE_EVERY_TICKS === 0) void this.windows.prune(now).catch(() => undefined);
  }
}
