/**
 * Gives users and roles stored before Query users / Query roles existed the derived fields those
 * queries read (`query_fields`: text tokens, queryable role metadata). It runs in the background
 * after `start()`, a batch at a time with a pause between batches, and never delays startup or
 * holds a request; every instance may run it, as each write is conditional on the version it read.
 * Until it has passed over a document, text (`full_name`, `email`, `description`) and metadata
 * queries do not see that document; the other fields are read from what every version stores.
 */

/** A store whose documents may lack their query fields. */
export interface QueryFieldsBackfillTarget {
  backfillQueryFields(batchSize: number): Promise<{ read: number; written: number }>;
}

/** Options of {@link QueryFieldsBackfill}. */
export interface QueryFieldsBackfillOptions {
  /** Documents per batch (default 200). */
  readonly batchSize?: number;
  /** Pause between batches, ms (default 10). */
  readonly batchPauseMs?: number;
  /** Told about a failed pass (the next `start()` tries again). */
  readonly onError?: (error: unknown) => void;
}

export class QueryFieldsBackfill {
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly batchSize: number;
  private readonly batchPauseMs: number;

  constructor(
    private readonly targets: readonly QueryFieldsBackfillTarget[],
    private readonly options: QueryFieldsBackfillOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 200;
    this.batchPauseMs = options.batchPauseMs ?? 10;
  }

  /** Starts a pass unless one runs; returns at once. {@link done} resolves when the pass ends. */
  start(): void {
    this.stopped = false;
    this.running ??= this.run()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Resolves when the current pass (if any) has ended; never rejects. */
  async done(): Promise<void> {
    await this.running;
  }

  /** Stops after the current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async run(): Promise<void> {
    for (const target of this.targets) {
      for (let batch = 0; !this.stopped; batch++) {
        if (batch > 0) await pause(this.batchPauseMs);
        const { read, written } = await target.backfillQueryFields(this.batchSize);
        // A batch that wrote nothing met only documents changing under it: leave them to the next pass.
        if (read < this.batchSize || written === 0) break;
      }
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
