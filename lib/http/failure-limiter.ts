import { createHash } from "node:crypto";
import type { Request } from "express";
import { ipKeyGenerator, rateLimit, type RateLimitRequestHandler } from "express-rate-limit";
import type { MongoRateLimitStore } from "../store/mongo-rate-limit-store.js";
import { isSecurityError, SecurityError, storeTimeoutError, tooManyRequestsError } from "../support/security-error.js";
import { FailureBudgets, type Budget, type Waiter } from "./failure-budgets.js";

/** Requests allowed to wait for a check slot of one budget; beyond that, 429 at once. */
const MAX_WAITING_PER_BUDGET = 1000;

/** Keys remembered per table; a flood of made-up principals evicts the oldest idle ones beyond this. */
export const DEFAULT_MAX_TRACKED_KEYS = 50_000;

/** Whether the guarded work failed because a credential was wrong (then it counts). */
export type FailureTest = (error: unknown) => boolean;

/** The usual {@link FailureTest}: a 401. */
export function isAuthenticationFailure(error: unknown): boolean {
  return isSecurityError(error) && error.status === 401;
}

/** One credential check as the limiter sees it. */
export interface CredentialClaim {
  /**
   * Whom the request claims to be, one entry per credential it presents (see
   * `claimed-principals.ts`): the first for `Authorization` or the request body, a second one
   * for `es-secondary-authorization`.
   */
  principals: readonly string[];
  /** Index in `principals` of the credential that was wrong, or `-1` when `error` is not a failed authentication. */
  blame(error: unknown): number;
  /**
   * Take check slots: the request presents a credential to check (without one, e.g. a session
   * realm's request, there is nothing to guess and no slot is taken; a failure still counts).
   */
  reserve: boolean;
}

export interface FailureLimits {
  /** Consecutive failures per (address, principal) before 429. */
  limit: number;
  windowMs: number;
  /** Failures per address, over every principal, before new credentials of that address get 429. */
  addressLimit: number;
  addressWindowMs: number;
}

/** Slots one admitted check holds. */
interface Held {
  pairs: Budget[];
  address: Budget;
}

type Admission = Held | null | SecurityError;

/**
 * Brute-force protection keyed on what is being guessed, for every path that checks a credential:
 *
 * - **Per (client address, claimed principal)**: consecutive failures; over the limit only that
 *   pair is refused (429), so one client with a stale key does not lock out everyone behind the
 *   same address. A success resets the pair.
 * - **Per address**, a higher ceiling over all principals (credential spraying): over it, only
 *   checks the caches cannot answer are refused; credentials this instance already verified
 *   never reach this class (the middleware answers them first). Refusals under the ceiling still
 *   count locally against their pair, so an address over its ceiling cannot probe a cached
 *   password without limit either.
 * - **Check slots**: each check the caches cannot answer holds a slot of its pair(s) and of its
 *   address, so a parallel burst cannot get more guesses checked than the limits allow. A success
 *   frees its slots; a failure consumes them. Checks beyond that wait for a slot until refused,
 *   `waitTimeoutMs` passes (503), or more than {@link MAX_WAITING_PER_BUDGET} wait (429).
 * - **Shared counts**: every failure is counted by express-rate-limit in MongoDB stores shared by
 *   all instances (one per key kind); their answers update this instance's view. The address
 *   limiter uses express-rate-limit's own key generator, so its validations (`trust proxy`,
 *   `X-Forwarded-For` without it, …) report a misconfiguration once, at the first failure.
 *
 * Both local tables are bounded ({@link DEFAULT_MAX_TRACKED_KEYS} keys each).
 */
export class FailureLimiter {
  private readonly pairs: FailureBudgets;
  private readonly addresses: FailureBudgets;
  private readonly pairLimiter: RateLimitRequestHandler;
  private readonly addressLimiter: RateLimitRequestHandler;
  private readonly pairStore: MongoRateLimitStore;
  /** The pair key the next count of a request is for (express-rate-limit asks its key generator). */
  private readonly countingKey = new WeakMap<Request, string>();

  constructor(
    stores: { pairs: MongoRateLimitStore; addresses: MongoRateLimitStore },
    limits: FailureLimits,
    /** Longest wait for a check slot; `<= 0`: no bound. */
    private readonly waitTimeoutMs = 0,
    maxTrackedKeys = DEFAULT_MAX_TRACKED_KEYS,
  ) {
    this.pairs = new FailureBudgets(limits.limit, limits.windowMs, maxTrackedKeys);
    this.addresses = new FailureBudgets(limits.addressLimit, limits.addressWindowMs, maxTrackedKeys);
    this.pairStore = stores.pairs;
    const common = {
      standardHeaders: false,
      legacyHeaders: false,
      // A store outage must not turn a wrong password into a 500; authentication already failed.
      passOnStoreError: true,
      // The verdict is taken from `req.rateLimit` in {@link recordShared}.
      handler: (_req: Request, _res: unknown, next: () => void) => next(),
    } as const;
    this.pairLimiter = rateLimit({
      ...common,
      windowMs: limits.windowMs,
      limit: limits.limit,
      store: stores.pairs,
      keyGenerator: (req) => this.countingKey.get(req) ?? pairKey(addressOf(req), ""),
      // The address limiter below runs the request checks for the same request.
      validate: { keyGeneratorIpFallback: false, ip: false, trustProxy: false, xForwardedForHeader: false, forwardedHeader: false },
    });
    // Its default key generator is the address as this class computes it (`ipKeyGenerator`, IPv6 by /56).
    this.addressLimiter = rateLimit({ ...common, windowMs: limits.addressWindowMs, limit: limits.addressLimit, store: stores.addresses });
  }

  /** Whether any pair is blocked on this instance (one `Map.size` read): else {@link refusalOfVerified} has nothing to say. */
  get anyPairBlocked(): boolean {
    return this.pairs.anyBlocked;
  }

  /**
   * For a credential the caches already verified: the 429 when its own pair is blocked (its
   * consecutive failures went past the limit), else `undefined`. The address ceiling does not
   * apply to it. `principal` is only computed when a pair of this very address is blocked.
   */
  refusalOfVerified(req: Request, principal: () => string): SecurityError | undefined {
    if (!this.pairs.anyBlocked) return undefined;
    const address = addressOf(req);
    if (!this.pairs.mayHaveBlocked(address)) return undefined;
    const until = this.pairs.blockedUntil(pairKey(address, principal()));
    return until === 0 ? undefined : this.tooMany(until);
  }

  /**
   * Runs one credential check under the limits: refused with 429 when a claimed pair or (for a
   * check the caches cannot answer) the address is over its limit; with `claim.reserve`, run only
   * once slots are free. When `work` fails and `claim.blame` names the wrong credential, the
   * failure is counted for that pair and the address, here and in the shared stores, and the
   * error is rethrown (or the 429, when this failure went past a shared limit). A success resets
   * the consecutive failures of the request's pairs.
   *
   * @param work receives the milliseconds spent waiting for slots, to shorten its own deadline.
   */
  async guard<T>(req: Request, claim: CredentialClaim, work: (waitedMs: number) => Promise<T>): Promise<T> {
    const address = addressOf(req);
    const keys = claim.principals.map((principal) => pairKey(address, principal));
    const unique = [...new Set(keys)];
    let waitedMs = 0;
    let admitted = this.admit(address, unique, claim.reserve, this.waitTimeoutMs > 0 ? Date.now() + this.waitTimeoutMs : Infinity);
    if (admitted instanceof Promise) {
      const started = Date.now();
      admitted = await admitted;
      waitedMs = Date.now() - started;
    }
    if (admitted instanceof SecurityError) throw admitted;
    const held = admitted;
    let result: T;
    try {
      result = await work(waitedMs);
    } catch (error) {
      const blamed = claim.blame(error);
      const key = blamed >= 0 ? keys[blamed] : undefined;
      if (key === undefined) {
        if (held) this.release(held);
        throw error;
      }
      throw (await this.fail(req, address, key, held)) ?? error;
    }
    if (held) this.release(held);
    await this.resetPairs(unique);
    return result;
  }

  /** Slots (`null` when none are to be taken), a refusal, or the promise of one of them once slots free up. */
  private admit(address: string, keys: string[], reserve: boolean, deadline: number): Admission | Promise<Admission> {
    for (const key of keys) {
      const until = this.pairs.blockedUntil(key);
      if (until !== 0) return this.tooMany(until);
    }
    const addressBlocked = this.addresses.blockedUntil(address);
    if (addressBlocked !== 0) return this.refuseOverCeiling(address, keys, addressBlocked);
    const budgets = keys.map((key) => this.pairs.budget(key, address));
    const exhausted = budgets.find((budget) => this.pairs.exhausted(budget));
    if (exhausted) {
      const until = this.pairs.block(exhausted);
      for (const budget of budgets) this.pairs.tidy(budget);
      return this.tooMany(until);
    }
    const addressBudget = this.addresses.budget(address, address);
    if (this.addresses.exhausted(addressBudget)) return this.refuseOverCeiling(address, keys, this.addresses.block(addressBudget));
    if (!reserve) {
      for (const budget of budgets) this.pairs.tidy(budget);
      this.addresses.tidy(addressBudget);
      return null;
    }
    const short = budgets.find((budget) => !this.pairs.hasFreeSlot(budget));
    const table = short ? this.pairs : this.addresses;
    const full = short ?? (this.addresses.hasFreeSlot(addressBudget) ? undefined : addressBudget);
    if (!full) {
      for (const budget of budgets) budget.inFlight++;
      addressBudget.inFlight++;
      return { pairs: budgets, address: addressBudget };
    }
    if (full.waiting.length >= MAX_WAITING_PER_BUDGET) {
      table.tidy(full);
      return new SecurityError(429, "es_rejected_execution_exception", "too many concurrent authentication attempts from this client", {
        headers: { "Retry-After": "1" },
      });
    }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        wake: () => {
          if (timer) clearTimeout(timer);
          resolve(this.admit(address, keys, reserve, deadline));
        },
      };
      full.waiting.push(waiter);
      if (deadline !== Infinity) {
        timer = setTimeout(
          () => {
            // Never admitted: leave the queue, so no slot is ever taken for a request already answered.
            const index = full.waiting.indexOf(waiter);
            if (index >= 0) full.waiting.splice(index, 1);
            table.tidy(full);
            resolve(storeTimeoutError(this.waitTimeoutMs));
          },
          Math.max(0, deadline - Date.now()),
        );
        timer.unref();
      }
    });
  }

  /**
   * The address is over its ceiling: this credential waits out the window. The refusal counts
   * against its pair on this instance (not in the shared store, which the ceiling spares): a
   * right guess of a password this instance has cached would otherwise be told apart from a
   * wrong one (200 against 429) without limit.
   */
  private refuseOverCeiling(address: string, keys: string[], until: number): SecurityError {
    for (const key of keys) {
      const budget = this.pairs.budget(key, address);
      this.pairs.countFailure(budget);
      if (this.pairs.exhausted(budget)) this.pairs.block(budget);
      else this.pairs.tidy(budget);
    }
    return this.tooMany(until);
  }

  /** A check succeeded (or failed for a reason that is not a wrong credential): its slots are free. */
  private release(held: Held): void {
    for (const budget of held.pairs) {
      budget.inFlight--;
      this.pairs.pump(budget);
    }
    held.address.inFlight--;
    this.addresses.pump(held.address);
  }

  /** A success: the pairs' consecutive failures are forgotten here and, when this instance saw any, in the shared store. */
  private async resetPairs(keys: string[]): Promise<void> {
    for (const key of keys) {
      const budget = this.pairs.find(key);
      if (!budget || budget.failures === 0) continue;
      this.pairs.reset(budget);
      this.pairs.pump(budget);
      await this.pairStore.resetKey(key).catch(() => undefined);
    }
  }

  /** Counts one failure of `key` and its address, here at once and then in the shared stores; the 429 when it went past a shared limit. */
  private async fail(req: Request, address: string, key: string, held: Held | null): Promise<SecurityError | undefined> {
    const pair = held?.pairs.find((budget) => budget.key === key) ?? this.pairs.budget(key, address);
    const addressBudget = held?.address ?? this.addresses.budget(address, address);
    if (held) {
      for (const budget of held.pairs) budget.inFlight--;
      addressBudget.inFlight--;
    }
    this.pairs.countFailure(pair);
    this.addresses.countFailure(addressBudget);
    if (held) for (const budget of held.pairs) if (budget !== pair) this.pairs.pump(budget);
    this.pairs.pump(pair);
    this.addresses.pump(addressBudget);

    this.countingKey.set(req, key);
    const [sharedPair, sharedAddress] = await Promise.all([
      this.recordShared(this.pairLimiter, req, this.pairs),
      this.recordShared(this.addressLimiter, req, this.addresses),
    ]);
    let refusal: SecurityError | undefined;
    if (sharedPair) {
      this.pairs.learn(pair, sharedPair.used, sharedPair.window);
      if (sharedPair.used > this.pairs.limit) refusal = this.blockShared(this.pairs, pair, sharedPair.window);
      this.pairs.pump(pair);
    }
    if (sharedAddress) {
      this.addresses.learn(addressBudget, sharedAddress.used, sharedAddress.window);
      if (sharedAddress.used > this.addresses.limit) refusal ??= this.blockShared(this.addresses, addressBudget, sharedAddress.window);
      this.addresses.pump(addressBudget);
    }
    return refusal;
  }

  private blockShared(table: FailureBudgets, budget: Budget, window: number): SecurityError {
    const until = (window + 1) * table.windowMs;
    if (until > Date.now()) table.block(budget, until);
    return this.tooMany(until);
  }

  /** Counts the failure in one shared store; its count and window, or `undefined` when the store failed. */
  private recordShared(
    limiter: RateLimitRequestHandler,
    req: Request,
    table: FailureBudgets,
  ): Promise<{ used: number; window: number } | undefined> {
    const res = req.res;
    if (!res) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      void limiter(req, res, () => {
        const info = (req as Request & { rateLimit?: { used?: number; resetTime?: Date } }).rateLimit;
        const resetAt = info?.resetTime?.getTime();
        if (info?.used === undefined || resetAt === undefined) return resolve(undefined);
        resolve({ used: info.used, window: Math.round(resetAt / table.windowMs) - 1 });
      });
    });
  }

  private tooMany(until: number): SecurityError {
    const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
    // An expected answer, sent by the thousand under attack: capturing a stack trace for each was
    // half the cost of a refusal.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return tooManyRequestsError("too many failed authentication attempts; retry later", seconds);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }
}

/** The client address as express-rate-limit's default key generator computes it (IPv6 by /56). */
function addressOf(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? "unknown");
}

/**
 * The key of an (address, principal) pair. The principal is digested: it may be a long made-up
 * username or a token, which must be neither kept in memory as is nor written to the store.
 */
function pairKey(address: string, principal: string): string {
  return `${address}|${createHash("sha256").update(principal).digest("base64url").slice(0, 22)}`;
}
