import type { ImportProgress } from "../services/api-keys/import-api-keys-options.js";

/** Where the printer writes (stderr in the CLI). */
export interface LineSink {
  write(text: string): unknown;
}

const NUMBER = new Intl.NumberFormat("en-US");

function count(value: number): string {
  return NUMBER.format(value);
}

function percent(done: number, total: number): string {
  return total === 0 ? "100%" : `${Math.floor((done / total) * 100)}%`;
}

/** One progress line, e.g. `inserted 2,000/5,000 (40%), 8,120 rows/s`. */
export function formatProgress(progress: ImportProgress, rowsPerSecond: number): string {
  const rate = `${count(Math.round(rowsPerSecond))} rows/s`;
  switch (progress.phase) {
    case "validate":
      return `validated ${count(progress.validated)}/${count(progress.total)} rows (${percent(progress.validated, progress.total)}), ${rate}`;
    case "compare":
      if (progress.compared === 0 && progress.scanned > 0) {
        return `read ${count(progress.scanned)}/${count(progress.stored)} stored keys (${percent(progress.scanned, progress.stored)}), ${rate}`;
      }
      return `compared ${count(progress.compared)}/${count(progress.total)} rows with the store (${percent(progress.compared, progress.total)}), ${rate}`;
    default:
      return `inserted ${count(progress.inserted)}/${count(progress.toInsert)} keys (${percent(progress.inserted, progress.toInsert)}), ${rate}`;
  }
}

/**
 * Turns the import's progress callbacks into at most one stderr line per `intervalMs` (the
 * library calls back once per batch, which can be hundreds of times a second). The rate is of the
 * current phase: rows validated, compared or inserted per second since the phase began.
 */
export class ProgressPrinter {
  private lastPrint = 0;
  private phase: ImportProgress["phase"] | undefined;
  private phaseStart = 0;
  private phaseStartCount = 0;
  /** The last progress seen (for a summary after a failure). */
  last: ImportProgress | undefined;

  constructor(
    private readonly sink: LineSink,
    private readonly prefix: string,
    private readonly intervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  update(progress: ImportProgress): void {
    this.last = progress;
    if (progress.phase === "done") return;
    const now = this.now();
    const done = doneIn(progress);
    if (progress.phase !== this.phase) {
      this.phase = progress.phase;
      this.phaseStart = now;
      this.phaseStartCount = done;
    }
    if (done === this.phaseStartCount || now - this.lastPrint < this.intervalMs) return;
    this.lastPrint = now;
    const seconds = Math.max(now - this.phaseStart, 1) / 1000;
    this.sink.write(`${this.prefix}${formatProgress(progress, (done - this.phaseStartCount) / seconds)}\n`);
  }
}

function doneIn(progress: ImportProgress): number {
  if (progress.phase === "validate") return progress.validated;
  if (progress.phase === "compare") return progress.compared || progress.scanned;
  return progress.inserted;
}
