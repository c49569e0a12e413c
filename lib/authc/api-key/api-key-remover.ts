import { CLAIM_PREFIX, type ApiKeyStore } from "../../store/api-key-store.js";
import type { LeaseStore } from "../../store/lease-store.js";
import { randomId } from "../../support/random-id.js";

export interface ApiKeyRemoverOptions {
  /** Keys expired or invalidated longer ago than this are deleted. */
  retentionMs: number;
  /** Least time between two runs, across all instances (the lease length). */
  intervalMs: number;
  /** Keys deleted per database round trip. Default 1000. */
  batchSize?: number;
  /** Batches per run at most, so one run never monopolizes the database. Default 100. */
  maxBatches?: number;
  /**
   * Pause between two batches, in milliseconds, leaving the event loop and the database to the
   * application's own requests (Elasticsearch throttles its delete-by-query likewise). Default 10.
   */
  batchPauseMs?: number;
  clock?: () => number;
  /** Told which keys were deleted (to drop them from caches). */
  onRemoved?: (ids: string[]) => void;
}

export const REMOVER_LEASE = "api_key_remover";
/**
 * A run holds the lease at least this long (and stops starting batches 10 s before it ends), so a
 * run slower than a short `intervalMs` never overlaps the next instance's; afterwards the lease
 * is shortened to `start + intervalMs`, the schedule.
 */
const RUN_LEASE_MS = 60_000;
const RUN_MARGIN_MS = 10_000;

/**
 * Deletes keys that expired or were invalidated more than `retention` ago (Elasticsearch's
 * `InactiveApiKeysRemover`), on a schedule rather than only after invalidations (#111754), in
 * batches, and on one instance at a time: a run first takes the `api_key_remover` lease (for the
 * run, at least a minute) and leaves it ending one interval after the run began, so however many
 * instances run, the collection is swept about once per interval and never by two at once.
 * Expiry is decided by queries, never by TTL indexes (FerretDB has none).
 */
export class ApiKeyRemover {
  readonly owner = randomId();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly batchSize: number;
  private readonly maxBatches: number;
  private readonly batchPauseMs: number;
  private readonly clock: () => number;
  /** Set by {@link stop}: the run in progress ends after its current batch. */
  private aborted = false;
  /** Deleted keys over this instance's life (for tests and monitoring). */
  removedTotal = 0;
  lastError: unknown;

  constructor(
    private readonly store: ApiKeyStore,
    private readonly leases: LeaseStore,
    private readonly options: ApiKeyRemoverOptions,
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.maxBatches = options.maxBatches ?? 100;
    this.batchPauseMs = options.batchPauseMs ?? 10;
    this.clock = options.clock ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      void this.trigger().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs).unref();
      });
    };
    this.timer = setTimeout(tick, this.options.intervalMs).unref();
  }

  /** Stops the schedule; a run in progress ends after its current batch (not after all of them). */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) this.aborted = true;
    await this.running?.catch(() => undefined);
  }

  /**
   * Runs once if no run is in progress here and the lease is free (another instance may have
   * swept within the interval). Never rejects; returns how many keys were deleted.
   */
  trigger(): Promise<number> {
    this.running ??= this.runOnce()
      .catch((error: unknown) => {
        this.lastError = error;
        return 0;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async runOnce(): Promise<number> {
    this.aborted = false;
    const now = this.clock();
    const held = now + Math.max(this.options.intervalMs, RUN_LEASE_MS);
    if (!(await this.leases.acquire(REMOVER_LEASE, this.owner, now, held))) return 0;
    let removed = 0;
    try {
      // Version claims whose writer died (see ApiKeyStore.compareAndSet) are litter; sweep them too.
      await this.leases.dropExpired(CLAIM_PREFIX, now);
      const cutoff = now - this.options.retentionMs;
      for (let batch = 0; batch < this.maxBatches && !this.aborted && this.clock() < held - RUN_MARGIN_MS; batch++) {
        if (batch > 0) await pause(this.batchPauseMs);
        const ids = await this.store.removeInactive(cutoff, this.batchSize);
        removed += ids.length;
        // Counted per batch, so a long run can be watched while it goes.
        this.removedTotal += ids.length;
        if (ids.length > 0) this.options.onRemoved?.(ids);
        if (ids.length < this.batchSize) break;
      }
    } finally {
      // The next run, on any instance, is due one interval after this one started. A release
      // that fails only delays it: the lease then runs out by itself.
      try {
        await this.leases.release(REMOVER_LEASE, this.owner, now + this.options.intervalMs);
      } catch {
        // nothing to undo
      }
    }
    return removed;
  }
}

/** A macrotask boundary (and, when `ms > 0`, a pause) between two batches. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}
