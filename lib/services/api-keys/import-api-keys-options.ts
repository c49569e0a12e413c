/** Options of `security.apiKeys.import(rows, options)`. */
export interface ImportApiKeysOptions {
  /**
   * Called after each batch of each phase, and once at the end (`phase: "done"`), with running
   * counts. Errors it throws are ignored. Default: none.
   */
  onProgress?: (progress: ImportProgress) => void;
  /** Validate and compare with the store, write nothing. Default `false`. */
  dryRun?: boolean;
  /** Rows per database round trip (lookups and `insertMany`). Default `1000` (1–10000). */
  batchSize?: number;
}

export interface ImportProgress {
  /** `validate` every row, `compare` with stored keys, `write` the new ones, then `done`. */
  phase: "validate" | "compare" | "write" | "done";
  /** Rows in the input. */
  total: number;
  validated: number;
  compared: number;
  /** Stored keys read so far, when the comparison reads the whole collection (a store not much larger than the input). */
  scanned: number;
  /** Keys in the store before the import (an estimate), known when `compare` starts. */
  stored: number;
  /** Rows to insert (known after `compare`). */
  toInsert: number;
  inserted: number;
  unchanged: number;
  elapsedMs: number;
}

/** A row that was refused (`errors`) or clashes with a stored key (`conflicts`). */
export interface ImportProblem {
  /** 1-based position in the input (absent for a file-level problem). */
  row?: number;
  /** 1-based line in the file, when the input was text. */
  line?: number;
  id?: string;
  /** Why; never contains a secret or a hash. */
  reason: string;
}

export interface ImportedKey {
  row: number;
  line?: number;
  id: string;
  name: string;
  /** `new`: a dry run would insert it. */
  status: "inserted" | "unchanged" | "new";
}

export interface ImportApiKeysResult {
  total: number;
  /** Keys written by this call. */
  inserted: number;
  /** Rows already stored with the same content (nothing written). */
  unchanged: number;
  /** Invalid rows; when there is any, nothing was written. */
  errors: ImportProblem[];
  /** Rows whose key exists with different content; when there is any, nothing was written (unless a concurrent writer raced this call, see README). */
  conflicts: ImportProblem[];
  /** Every stored row's key id and outcome, in input order (empty when errors or conflicts stopped the import before writing). */
  keys: ImportedKey[];
  dryRun: boolean;
}
