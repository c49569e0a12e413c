import type { Request } from "express";
import { ipKeyGenerator, rateLimit, type RateLimitRequestHandler } from "express-rate-limit";
import type { MongoRateLimitStore } from "../store/mongo-rate-limit-store.js";
import { isSecurityError, SecurityError, storeTimeoutError, tooManyRequestsError } from "../support/security-error.js";

/** Requests of one client allowed to wait for a check slot; beyond that, 429 at once. */
const MAX_WAITING_PER_CLIENT = 1000;

/** What this instance knows of one client in the current window. */
interface ClientState {
  /** Fixed-window number (`floor(now / windowMs)`, as the store counts). */
  window: number;
  /** Failures in `window`: this instance's own, or the shared count when the store told more. */
  failures: number;
  /** Credential checks of this client running now. */
  inFlight: number;
  /** Checks waiting for a slot, oldest first. */
  waiting: Waiter[];
}

interface Waiter {
  /** Re-runs the admission; called once, when a slot may be free or the client got blocked. */
  wake(): void;
}

/** Whether the guarded work failed because a credential was wrong (then it counts). */
export type FailureTest = (error: unknown) => boolean;

/** The usual {@link FailureTest}: a 401. */
export function isAuthenticationFailure(error: unknown): boolean {
  return isSecurityError(error) && error.status === 401;
}

/**
 * Brute-force protection for every path that checks a credential. Three layers:
 *
 * - A local map of blocked clients refuses them (429) before anything else; it is read on every
 *   request, so with nobody blocked it costs one `Map.size` read.
 * - Each credential check the caches cannot answer (a password hash, a key lookup) takes a slot of
 *   its client: at most `limit - failures` checks of one client run at once on this instance, so a
 *   parallel burst cannot get more guesses checked than the limit allows. A success frees its slot;
 *   a failure consumes it. Checks beyond that wait for a slot (a burst of right credentials is
 *   queued, not refused) until the client is blocked (429), `waitTimeoutMs` passes (503), or
 *   more than {@link MAX_WAITING_PER_CLIENT} wait (429).
 * - Every failure is counted by express-rate-limit in a MongoDB store shared by all instances;
 *   that count is the authority across instances, and its answer updates this instance's view.
 *
 * A cache hit (the happy path) meets only the first layer: the middleware answers it before
 * any slot is taken, without an await or a database access.
 */
export class FailureLimiter {
  private readonly limiter: RateLimitRequestHandler;
  /** Clients over the limit, to the end of their window (epoch ms). */
  private readonly blocked = new Map<string, number>();
  private readonly clients = new Map<string, ClientState>();
  private sweptWindow = 0;

  constructor(
    store: MongoRateLimitStore,
    private readonly limit: number,
    private readonly windowMs: number,
    /** Longest wait for a check slot; `<= 0`: no bound. */
    private readonly waitTimeoutMs = 0,
  ) {
    this.limiter = rateLimit({
      windowMs,
      limit,
      store,
      standardHeaders: false,
      legacyHeaders: false,
      keyGenerator: (req) => clientKey(req),
      // A store outage must not turn a wrong password into a 500; authentication already failed.
      passOnStoreError: true,
      // The verdict is taken from `req.rateLimit` in {@link recordShared}.
      handler: (_req, _res, next) => next(),
    });
  }

  /** The 429 to send now, if this client is over the limit. */
  check(req: Request): SecurityError | undefined {
    // Every request passes here: with nobody blocked, skip resolving the client address
    // (`req.ip` walks the proxy chain; the key generator parses the address).
    if (this.blocked.size === 0) return undefined;
    return this.blockedError(clientKey(req));
  }

  /**
   * Runs one credential check of the request's client under the limit: refused with 429 when the
   * client is over the limit; with `reserve`, run only once a slot is free. When `work` fails and
   * `isFailure` says the credential was wrong, the failure is counted here and in the shared store,
   * and the error is rethrown (or the 429, when this failure went past the shared limit).
   *
   * @param reserve take a slot: the request presents a credential to check (without one, e.g. a
   *   session realm's request, there is nothing to guess and no slot is taken; a failure counts).
   * @param work receives the milliseconds spent waiting for the slot, to shorten its own deadline.
   */
  async guard<T>(req: Request, work: (waitedMs: number) => Promise<T>, isFailure: FailureTest, reserve: boolean): Promise<T> {
    const key = clientKey(req);
    const refused = this.blockedError(key);
    if (refused) throw refused;
    let slot: ClientState | undefined;
    let waitedMs = 0;
    if (reserve) {
      const admitted = this.admit(key, this.waitTimeoutMs > 0 ? Date.now() + this.waitTimeoutMs : Infinity);
      if (admitted instanceof Promise) {
        const started = Date.now();
        const outcome = await admitted;
        waitedMs = Date.now() - started;
        if (outcome instanceof SecurityError) throw outcome;
        slot = outcome;
      } else if (admitted instanceof SecurityError) {
        throw admitted;
      } else {
        slot = admitted;
      }
    }
    let result: T;
    try {
      result = await work(waitedMs);
    } catch (error) {
      if (!isFailure(error)) {
        if (slot) this.release(key, slot);
        throw error;
      }
      throw (await this.fail(req, key, slot)) ?? error;
    }
    if (slot) this.release(key, slot);
    return result;
  }

  private blockedError(key: string): SecurityError | undefined {
    const until = this.blocked.get(key);
    if (until === undefined) return undefined;
    if (until <= Date.now()) {
      this.blocked.delete(key);
      return undefined;
    }
    return this.tooMany(until);
  }

  /** A slot, a refusal, or the promise of one of them once a slot frees up. */
  private admit(key: string, deadline: number): ClientState | SecurityError | Promise<ClientState | SecurityError> {
    const state = this.stateOf(key);
    if (state.failures >= this.limit) return this.block(key, state);
    if (state.failures + state.inFlight < this.limit) {
      state.inFlight++;
      return state;
    }
    if (state.waiting.length >= MAX_WAITING_PER_CLIENT) {
      return new SecurityError(429, "es_rejected_execution_exception", "too many concurrent authentication attempts from this client", { headers: { "Retry-After": "1" } });
    }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        wake: () => {
          if (timer) clearTimeout(timer);
          resolve(this.admit(key, deadline));
        },
      };
      state.waiting.push(waiter);
      if (deadline !== Infinity) {
        timer = setTimeout(() => {
          // Never admitted: leave the queue, so no slot is ever taken for a request already answered.
          const index = state.waiting.indexOf(waiter);
          if (index >= 0) state.waiting.splice(index, 1);
          this.tidy(key, state);
          resolve(storeTimeoutError(this.waitTimeoutMs));
        }, Math.max(0, deadline - Date.now()));
        timer.unref();
      }
    });
  }

  /** A check succeeded (or failed for a reason that is not a wrong credential): its slot is free. */
  private release(key: string, state: ClientState): void {
    state.inFlight--;
    this.pump(key, state);
  }

  /** Counts one failure, here at once and then in the shared store; the 429 when it went past the shared limit. */
  private async fail(req: Request, key: string, slot: ClientState | undefined): Promise<SecurityError | undefined> {
    const state = slot ?? this.stateOf(key);
    if (slot) slot.inFlight--;
    this.roll(state);
    state.failures++;
    this.pump(key, state);
    const shared = await this.recordShared(req);
    if (!shared) return undefined;
    // The store's window is the one the hit landed in; a count of an earlier window says nothing now.
    if (shared.window === state.window && shared.used > state.failures) {
      state.failures = shared.used;
      this.pump(key, state);
    }
    if (shared.used <= this.limit) return undefined;
    const until = (shared.window + 1) * this.windowMs;
    if (until > Date.now()) this.blocked.set(key, until);
    return this.tooMany(until);
  }

  /** Counts the failure in the shared store; its count and window, or `undefined` when the store failed. */
  private recordShared(req: Request): Promise<{ used: number; window: number } | undefined> {
    const res = req.res;
    if (!res) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      void this.limiter(req, res, () => {
        const info = (req as Request & { rateLimit?: { used?: number; resetTime?: Date } }).rateLimit;
        const resetAt = info?.resetTime?.getTime();
        if (info?.used === undefined || resetAt === undefined) return resolve(undefined);
        resolve({ used: info.used, window: Math.round(resetAt / this.windowMs) - 1 });
      });
    });
  }

  /** Wakes waiters while a slot is free, or all of them once the client is blocked (each then gets its 429). */
  private pump(key: string, state: ClientState): void {
    this.roll(state);
    if (state.failures >= this.limit) this.block(key, state);
    while (state.waiting.length > 0 && (state.failures >= this.limit || state.failures + state.inFlight < this.limit)) {
      (state.waiting.shift() as Waiter).wake();
    }
    this.tidy(key, state);
  }

  private block(key: string, state: ClientState): SecurityError {
    const until = (state.window + 1) * this.windowMs;
    this.blocked.set(key, until);
    return this.tooMany(until);
  }

  private stateOf(key: string): ClientState {
    this.sweep();
    let state = this.clients.get(key);
    if (!state) {
      state = { window: this.currentWindow(), failures: 0, inFlight: 0, waiting: [] };
      this.clients.set(key, state);
    }
    this.roll(state);
    return state;
  }

  /** A new window forgets the failures of the last one (the store counts per fixed window too). */
  private roll(state: ClientState): void {
    const window = this.currentWindow();
    if (state.window !== window) {
      state.window = window;
      state.failures = 0;
    }
  }

  private tidy(key: string, state: ClientState): void {
    if (state.inFlight === 0 && state.waiting.length === 0 && state.failures === 0) this.clients.delete(key);
  }

  /** Once per window, forgets idle clients and blocks of past windows (many one-off clients must not pile up). */
  private sweep(): void {
    const window = this.currentWindow();
    if (window === this.sweptWindow) return;
    this.sweptWindow = window;
    for (const [key, state] of this.clients) {
      if (state.inFlight === 0 && state.waiting.length === 0 && state.window !== window) this.clients.delete(key);
    }
    const now = Date.now();
    for (const [key, until] of this.blocked) if (until <= now) this.blocked.delete(key);
  }

  private currentWindow(): number {
    return Math.floor(Date.now() / this.windowMs);
  }

  private tooMany(until: number): SecurityError {
    const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
    return tooManyRequestsError("too many failed authentication attempts; retry later", seconds);
  }
}

function clientKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? "unknown");
}
