/** A request waiting for a check slot of one budget. */
export interface Waiter {
  /** Re-runs the admission; called once, when a slot may be free or the budget got blocked. */
  wake(): void;
}

/** What this instance knows of one key (an address, or an address and a principal) in the current window. */
export interface Budget {
  readonly key: string;
  /** The address the key belongs to (the key itself for an address budget). */
  readonly group: string;
  /** Fixed-window number (`floor(now / windowMs)`, as the shared store counts). */
  window: number;
  /** Failures in `window`: this instance's own, or the shared count when the store told more. */
  failures: number;
  /** Credential checks holding a slot of this budget now. */
  inFlight: number;
  /** Checks waiting for a slot, oldest first. */
  waiting: Waiter[];
  /** Refused until then (epoch ms); `0` when not blocked. */
  blockedUntil: number;
}

/**
 * Failure counts, check slots and blocks of many keys under one limit and fixed window, in a
 * table of bounded size: a flood of made-up keys evicts the oldest idle entries instead of
 * growing the process. Forgetting a key is safe because the shared store stays the authority:
 * the key's next failure reads the shared count back and blocks it again.
 */
export class FailureBudgets {
  private readonly budgets = new Map<string, Budget>();
  /** Blocked budgets per group, so a request can ask "anything blocked for my address?" with one read. */
  private readonly blockedGroups = new Map<string, number>();
  private sweptWindow = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.budgets.size;
  }

  /** Whether some key of `group` may be blocked (one `Map.size` read while nothing is). */
  mayHaveBlocked(group: string): boolean {
    return this.blockedGroups.size > 0 && this.blockedGroups.has(group);
  }

  get anyBlocked(): boolean {
    return this.blockedGroups.size > 0;
  }

  /** Until when `key` is refused (epoch ms), or `0`. */
  blockedUntil(key: string): number {
    const budget = this.budgets.get(key);
    if (!budget || budget.blockedUntil === 0) return 0;
    if (budget.blockedUntil > Date.now()) return budget.blockedUntil;
    this.unblock(budget);
    this.roll(budget);
    this.tidy(budget);
    return 0;
  }

  /** The budget of `key`, created when unknown (evicting the oldest idle one when the table is full). */
  budget(key: string, group: string): Budget {
    this.sweep();
    let budget = this.budgets.get(key);
    if (!budget) {
      if (this.budgets.size >= this.maxEntries) this.evictOldest();
      budget = { key, group, window: this.currentWindow(), failures: 0, inFlight: 0, waiting: [], blockedUntil: 0 };
      this.budgets.set(key, budget);
    }
    this.roll(budget);
    return budget;
  }

  find(key: string): Budget | undefined {
    return this.budgets.get(key);
  }

  /** Whether one more check of `budget` may run now. */
  hasFreeSlot(budget: Budget): boolean {
    return budget.failures + budget.inFlight < this.limit;
  }

  exhausted(budget: Budget): boolean {
    this.roll(budget);
    return budget.failures >= this.limit;
  }

  /** Blocks `budget` until `until` (default: the end of its window); returns that moment. */
  block(budget: Budget, until = (budget.window + 1) * this.windowMs): number {
    if (budget.blockedUntil === 0) this.blockedGroups.set(budget.group, (this.blockedGroups.get(budget.group) ?? 0) + 1);
    budget.blockedUntil = until;
    return until;
  }

  /** Counts one failure here; the shared store's answer may raise it later ({@link learn}). */
  countFailure(budget: Budget): void {
    this.roll(budget);
    budget.failures++;
  }

  /** Takes the shared store's count of the window the hit landed in, when it says more than this instance knew. */
  learn(budget: Budget, used: number, window: number): void {
    this.roll(budget);
    if (window === budget.window && used > budget.failures) budget.failures = used;
  }

  /** A success: the consecutive failures of this key are forgotten. */
  reset(budget: Budget): void {
    budget.failures = 0;
    this.unblock(budget);
  }

  /** Wakes waiters while a slot is free, or all of them once the budget is exhausted (each then gets its 429). */
  pump(budget: Budget): void {
    this.roll(budget);
    if (budget.failures >= this.limit && budget.blockedUntil === 0) this.block(budget);
    let turns = budget.waiting.length;
    while (turns-- > 0 && budget.waiting.length > 0 && (budget.failures >= this.limit || this.hasFreeSlot(budget))) {
      (budget.waiting.shift() as Waiter).wake();
    }
    this.tidy(budget);
  }

  /** Forgets `budget` when nothing about it is left to remember. */
  tidy(budget: Budget): void {
    if (budget.inFlight === 0 && budget.waiting.length === 0 && budget.failures === 0 && budget.blockedUntil === 0)
      this.budgets.delete(budget.key);
  }

  /** A new window forgets the failures of the last one (the store counts per fixed window too). */
  private roll(budget: Budget): void {
    const window = this.currentWindow();
    if (budget.window === window) return;
    budget.window = window;
    budget.failures = 0;
    if (budget.blockedUntil !== 0 && budget.blockedUntil <= Date.now()) this.unblock(budget);
  }

  private unblock(budget: Budget): void {
    if (budget.blockedUntil === 0) return;
    budget.blockedUntil = 0;
    const count = (this.blockedGroups.get(budget.group) ?? 1) - 1;
    if (count > 0) this.blockedGroups.set(budget.group, count);
    else this.blockedGroups.delete(budget.group);
  }

  /**
   * Drops the oldest quarter of the entries that no request is holding or waiting on. In one
   * batch, so a flood costs one pass per quarter-table of new keys rather than one per key.
   */
  private evictOldest(): void {
    let excess = this.budgets.size - Math.floor((this.maxEntries * 3) / 4);
    for (const budget of this.budgets.values()) {
      if (excess <= 0) break;
      if (budget.inFlight !== 0 || budget.waiting.length !== 0) continue;
      this.unblock(budget);
      this.budgets.delete(budget.key);
      excess--;
    }
  }

  /** Once per window, forgets idle keys of past windows (many one-off keys must not pile up until evicted). */
  private sweep(): void {
    const window = this.currentWindow();
    if (window === this.sweptWindow) return;
    this.sweptWindow = window;
    for (const budget of [...this.budgets.values()]) {
      if (budget.window === window || budget.inFlight !== 0 || budget.waiting.length !== 0) continue;
      this.roll(budget);
      this.tidy(budget);
    }
  }

  private currentWindow(): number {
    return Math.floor(Date.now() / this.windowMs);
  }
}
