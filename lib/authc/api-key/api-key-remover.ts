import type { ApiKeyStore } from "../../store/api-key-store.js";
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
  clock?: () => number;
  /** Told which keys were deleted (to drop them from caches). */
  onRemoved?: (ids: string[]) => void;
}

export const REMOVER_LEASE = "api_key_remover";

/**
 * Deletes keys that expired or were invalidated more than `retention` ago (Elasticsearch's
 * `InactiveApiKeysRemover`), on a schedule rather than only after invalidations (#111754), in
 * batches, and on one instance at a time: a run first takes the `api_key_remover` lease for one
 * interval, so however many instances run, the collection is swept about once per interval.
 * Expiry is decided by queries, never by TTL indexes (FerretDB has none).
 */
export class ApiKeyRemover {
  readonly owner = randomId();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly batchSize: number;
  private readonly maxBatches: number;
  private readonly clock: () => number;
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

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
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
    const now = this.clock();
    if (!(await this.leases.acquire(REMOVER_LEASE, this.owner, now, now + this.options.intervalMs))) return 0;
    const cutoff = now - this.options.retentionMs;
    let removed = 0;
    for (let batch = 0; batch < this.maxBatches; batch++) {
      const ids = await this.store.removeInactive(cutoff, this.batchSize);
      removed += ids.length;
      if (ids.length > 0) this.options.onRemoved?.(ids);
      if (ids.length < this.batchSize) break;
    }
    this.removedTotal += removed;
    return removed;
  }
}
