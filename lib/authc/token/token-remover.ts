import type { TokenStore } from "../../store/token-store.js";

export interface TokenRemoverOptions {
  intervalMs: number;
  clock: () => number;
}

/**
 * Deletes token documents whose access and refresh tokens have both expired (Elasticsearch's
 * `ExpiredTokenRemover`). One `deleteMany` on the indexed `purge_at`; idempotent, so several
 * instances running it concurrently is harmless. No TTL index is needed.
 */
export class TokenRemover {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly store: TokenStore,
    private readonly options: TokenRemoverOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.run().catch(() => undefined), this.options.intervalMs).unref();
  }

  /** Runs once now (or joins the run in progress); resolves to how many documents were deleted. */
  run(): Promise<number> {
    this.running ??= this.store.removeExpired(this.options.clock()).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
