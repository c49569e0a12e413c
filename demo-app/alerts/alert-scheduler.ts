import type { AlertDoc, AlertModels } from "./alert-models.js";
import type { AlertRunner, AlertRunView } from "./alert-runner.js";
import type { ClaimStore } from "./claim-store.js";

export interface AlertSchedulerDeps {
  models: AlertModels;
  runner: AlertRunner;
  claims: ClaimStore;
  clock: () => number;
  warn: (message: string) => void;
  /** Most alerts run per tick. */
  batch: number;
}

/**
 * Runs due alerts. All state is in MongoDB (`next_run_at` per alert), so a restarted app simply
 * picks up where it left off, and several instances may tick at once: each due slot (alert +
 * `next_run_at`) is claimed with a unique insert before it runs, so it runs once.
 */
export class AlertScheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;

  constructor(private readonly deps: AlertSchedulerDeps) {}

  /** Checks for due alerts every `tickMs`. */
  start(tickMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = this.runDue()
        .catch((error: unknown) => this.deps.warn(`alert scheduler: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => (this.ticking = undefined));
    }, tickMs);
    this.timer.unref();
  }

  /** Stops ticking and waits for the runs in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** Claims and runs every alert due now; returns how many ran. */
  async runDue(): Promise<number> {
    const now = this.deps.clock();
    const due = await this.deps.models.alerts
      .find({ next_run_at: { $lte: now } })
      .sort({ next_run_at: 1 })
      .limit(this.deps.batch)
      .lean<AlertDoc[]>()
      .exec();
    let ran = 0;
    for (const alert of due) {
      if (!(await this.deps.claims.claim(alert._id, `run@${alert.next_run_at}`, alert.next_run_at))) continue;
      await this.deps.models.alerts
        .updateOne({ _id: alert._id, next_run_at: alert.next_run_at }, { $set: { next_run_at: now + alert.interval_ms } })
        .exec();
      await this.deps.claims.prune(alert._id, alert.next_run_at);
      // Read again: a PUT may have rotated the key since the due list was read.
      const current = await this.deps.models.alerts.findById(alert._id).lean<AlertDoc>().exec();
      if (!current) continue;
      await this.deps.runner.run(current);
      ran++;
    }
    return ran;
  }

  /** Runs one alert now, outside its schedule (tests, "run now" buttons). */
  async runNow(id: string): Promise<AlertRunView | undefined> {
    const alert = await this.deps.models.alerts.findById(id).lean<AlertDoc>().exec();
    return alert ? this.deps.runner.run(alert) : undefined;
  }
}
