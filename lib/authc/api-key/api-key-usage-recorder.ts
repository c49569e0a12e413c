import type { ApiKeyUsageAddResult, ApiKeyUsageDelta } from "../../store/api-key-usage-store.js";
import { withDeadline } from "../../support/with-deadline.js";

/** Where flushes go: `ApiKeyUsageStore`. */
export interface ApiKeyUsageSink {
  add(deltas: readonly ApiKeyUsageDelta[], leaseWaitMs: number): Promise<ApiKeyUsageAddResult>;
}

export interface ApiKeyUsageRecorderOptions {
  /** Time between two flushes. */
  intervalMs: number;
  /**
   * Most keys with unflushed usage. Beyond it, uses of keys not already pending are not recorded
   * (counted in {@link ApiKeyUsageRecorder.dropped}) and a flush starts early. Default 100,000
   * (about 10 MB at most).
   */
  maxPending?: number;
  /** How long a flush waits for another instance's flush before keeping its data for the next. Default 5 s. */
  leaseWaitMs?: number;
}

/** One key's pending usage: mutated in place, so recording a known key allocates nothing. */
interface Pending {
  lastUsed: number;
  count: number;
}

export const DEFAULT_MAX_PENDING_USAGE = 100_000;
/** Least time between the end of a flush and an early flush forced by a full map. */
const EARLY_FLUSH_GAP_MS = 1000;
/** `stop()` (hence `security.close()`) waits this long at most for the last flush (a frozen server). */
const STOP_FLUSH_MS = 10_000;

/**
 * Last-used tracking without a write per request. {@link record} (called on every successful
 * API-key authentication, cache hits included) only updates an in-memory map: the key's latest use
 * and a count. Every `intervalMs` (the first time after a random half to whole interval, so
 * instances started together do not flush together) the map is swapped for an empty one and
 * written in bulk; `stop()` flushes once more.
 *
 * Failures never reach a request: a flush that fails (database down) or finds the flush lease
 * busy merges what it could not write back into the map (latest use max-ed, counts summed) for the
 * next flush. The map is capped at `maxPending` keys, so a long outage costs bounded memory: keys
 * already pending keep counting, new ones are dropped. A crash loses what was not flushed yet: at
 * most one interval of usage while the database is reachable.
 */
export class ApiKeyUsageRecorder {
  private pending = new Map<string, Pending>();
  private readonly maxPending: number;
  private readonly leaseWaitMs: number;
  private timer: NodeJS.Timeout | undefined;
  /** Flushes run one after another; this is the last one queued. */
  private tail: Promise<void> = Promise.resolve();
  private flushing = false;
  private lastFlushEnd = 0;
  /** Uses not recorded because the map was full (over this instance's life). */
  dropped = 0;
  /** The latest flush failure, for monitoring; `undefined` after a flush that wrote everything. */
  lastError: unknown;

  constructor(
    private readonly sink: ApiKeyUsageSink,
    private readonly options: ApiKeyUsageRecorderOptions,
  ) {
    this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING_USAGE;
    this.leaseWaitMs = options.leaseWaitMs ?? 5000;
  }

  /** Records one successful authentication of key `id` at `now` (epoch ms). Hot path: no I/O, no promise. */
  record(id: string, now: number): void {
    const entry = this.pending.get(id);
    if (entry !== undefined) {
      if (now > entry.lastUsed) entry.lastUsed = now;
      entry.count++;
      return;
    }
    if (this.pending.size >= this.maxPending) {
      this.dropped++;
      this.flushEarly();
      return;
    }
    this.pending.set(id, { lastUsed: now, count: 1 });
  }

  /** Keys with unflushed usage. */
  get pendingKeys(): number {
    return this.pending.size;
  }

  /** The unflushed usage of key `id`, if any (a copy). */
  pendingFor(id: string): { lastUsed: number; count: number } | undefined {
    const entry = this.pending.get(id);
    return entry && { lastUsed: entry.lastUsed, count: entry.count };
  }

  /** Starts the periodic flush (an unref'ed timer: it never keeps the process alive). */
  start(): void {
    if (this.timer) return;
    this.schedule(this.options.intervalMs * (0.5 + Math.random() / 2));
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      void this.flush().finally(() => {
        if (this.timer) this.schedule(this.options.intervalMs);
      });
    }, delayMs).unref();
  }

  /** Stops the schedule and flushes what is pending, waiting 10 s at most. Never rejects. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await withDeadline(this.flush(), STOP_FLUSH_MS, () => new Error("usage flush timed out")).catch(() => undefined);
  }

  /**
   * Writes everything recorded so far (after any flush in progress). Never rejects; what could not
   * be written stays pending (see {@link lastError}).
   */
  flush(): Promise<void> {
    this.tail = this.tail.then(() => this.flushOnce());
    return this.tail;
  }

  private flushEarly(): void {
    if (this.flushing || Date.now() - this.lastFlushEnd < EARLY_FLUSH_GAP_MS) return;
    this.flushing = true;
    void this.flush();
  }

  private async flushOnce(): Promise<void> {
    this.flushing = true;
    try {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      const deltas: ApiKeyUsageDelta[] = [];
      for (const [id, entry] of batch) deltas.push({ id, lastUsed: entry.lastUsed, count: entry.count });
      let result: ApiKeyUsageAddResult;
      try {
        result = await this.sink.add(deltas, this.leaseWaitMs);
      } catch (error) {
        result = { unwritten: deltas, error };
      }
      this.lastError = result.error;
      for (const delta of result.unwritten) this.merge(delta);
    } finally {
      this.flushing = false;
      this.lastFlushEnd = Date.now();
    }
  }

  /** Puts back a delta that was not written, combining it with uses recorded meanwhile. */
  private merge(delta: ApiKeyUsageDelta): void {
    const entry = this.pending.get(delta.id);
    if (entry !== undefined) {
      if (delta.lastUsed > entry.lastUsed) entry.lastUsed = delta.lastUsed;
      entry.count += delta.count;
    } else if (this.pending.size < this.maxPending) {
      this.pending.set(delta.id, { lastUsed: delta.lastUsed, count: delta.count });
    } else {
      this.dropped += delta.count;
    }
  }
}
