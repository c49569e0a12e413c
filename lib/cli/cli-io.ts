import type { LineSink } from "./progress-printer.js";

/** What the CLI reads and writes: the process's, or a test's. */
export interface CliIo {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  stdout: LineSink;
  stderr: LineSink;
  /** The text of standard input, for the file name `-`. */
  readStdin(): Promise<string>;
}

/** Exit codes: documented in README and `--help`. */
export const EXIT = Object.freeze({ ok: 0, rejected: 1, usage: 2, failed: 3 });
