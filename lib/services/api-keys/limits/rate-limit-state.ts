import type { ApiKeyRateLimit } from "../../../model/api-key-limits.js";
import { rateWindowName, type ApiKeyRateWindowStore } from "../../../store/api-key-rate-window-store.js";
import { blockSize, RateMeter } from "./rate-meter.js";

/** The largest block one grant hands an instance: this share of the limit (at least 1). */
export const RATE_MAX_SHARE = 0.1;
/** How long a window's blocks are kept after it ends (then pruned). */
const KEEP_AFTER_WINDOW_MS = 60_000;

/** What a charge of this limit can do right now. */
export type Verdict = "ok" | "wait" | "over";

/**
 * One instance's view of one rate limit of one key in the current window: the allowance it holds
 * (granted by {@link ApiKeyRateWindowStore}, not yet used) and whether the window's allowance is
 * all granted fleet-wide. Checking and taking are synchronous; only a grant awaits the database,
 * and it runs in the background once the allowance held falls under half a block.
 */
export class RateLimitState {
  private windowStart = Number.NEGATIVE_INFINITY;
  private available = 0;
  /** The window's allowance is all granted: what is held is all this instance gets. */
  private exhausted = false;
  private granting: Promise<void> | undefined;
  private readonly meter = new RateMeter();
  private readonly maxBlock: number;
  /** What the requests waiting in {@link ensure} need, together. */
  private waiting = 0;
  lastUse = 0;

  constructor(
    readonly keyId: string,
    readonly limit: ApiKeyRateLimit,
    private readonly store: ApiKeyRateWindowStore,
    private readonly instance: string,
  ) {
    this.maxBlock = Math.max(1, Math.ceil(limit.limit * RATE_MAX_SHARE));
  }

  /** Milliseconds until the current window ends. */
  waitMs(now: number): number {
    return this.windowStart + this.limit.windowMs - now;
  }

  verdict(cost: number, now: number): Verdict {
    this.roll(now);
    if (this.available >= cost) return "ok";
    return this.exhausted || cost > this.limit.limit ? "over" : "wait";
  }

  /** Uses `cost` of the allowance held; {@link verdict} said `ok` in the same tick. */
  take(cost: number, now: number): void {
    this.available -= cost;
    this.lastUse = now;
    this.meter.add(cost, now);
    const block = blockSize(this.meter, now, 1, this.maxBlock);
    if (this.available * 2 < block && !this.exhausted && this.granting === undefined) {
      // Prefetch: the next block is asked for while the rest of this one is spent.
      void this.grant(block).catch(() => undefined);
    }
  }

  /**
   * Asks for enough allowance to take `cost` (a request that found too little waits on this).
   * Requests waiting together share one grant, sized for all of them (up to the largest block).
   */
  async ensure(cost: number, now: number): Promise<void> {
    this.waiting += cost;
    try {
      for (;;) {
        this.roll(Date.now());
        if (this.available >= cost || this.exhausted) return;
        if (this.granting === undefined) break;
        await this.granting;
      }
      const block = blockSize(this.meter, now, 1, this.maxBlock);
      await this.grant(Math.max(cost - this.available, Math.min(this.maxBlock, Math.max(block, this.waiting - this.available))));
    } finally {
      this.waiting -= cost;
    }
  }

  private grant(want: number): Promise<void> {
    const windowStart = this.windowStart;
    const window = rateWindowName(this.keyId, this.limit.name, windowStart);
    const expireAt = windowStart + this.limit.windowMs + KEEP_AFTER_WINDOW_MS;
    const work = this.store.grant(window, this.limit.limit, want, this.instance, expireAt).then((granted) => {
      // A grant that lands after its window ended is of no use any more.
      if (this.windowStart !== windowStart) return;
      this.available += granted;
      if (granted < want) this.exhausted = true;
    });
    const tracked = work.finally(() => {
      if (this.granting === tracked) this.granting = undefined;
    });
    this.granting = tracked;
    return tracked;
  }

  private roll(now: number): void {
    const start = now - (now % this.limit.windowMs);
    if (start === this.windowStart) return;
    this.windowStart = start;
    this.available = 0;
    this.exhausted = false;
    this.granting = undefined;
  }
}
