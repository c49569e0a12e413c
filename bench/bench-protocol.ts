/** Messages between the benchmark driver (parent, load generator) and the server process. */

/** Where each scenario is served and what it sends. */
export interface Target {
  url: string;
  headers: Record<string, string>;
}

export interface ServerTargets {
  baseline: Target;
  apikey: Target;
  basic: Target;
  /** Absent when the token service is not part of this build. */
  bearer?: Target;
  "apikey-nocache": Target;
  /** Bare Express without a body parser: the baseline of `apikey-minimal`. */
  "baseline-minimal": Target;
  /** Only `authenticate()` in front of the route: no parser, no router, no error handler. */
  "apikey-minimal": Target;
  /** The README mount, with a key that has a rate limit (auto-applied) and credits. */
  "apikey-limited": Target;
  guarded: Target;
  "naive-bcrypt": Target;
  "naive-findone": Target;
  /** Diagnostic, not in the table: a middleware that only attaches a fixed subject to the request. */
  floor: Target;
  /** Scenario 8: the probe and the two loads running beside it. */
  ping: Target;
  badPassword: Target;
  keyCacheMiss: Target;
  /** Why `bearer` is absent, when it is. */
  bearerMissing?: string;
}

export interface ScaleSeeded {
  keys: number;
  expired: number;
  seconds: number;
  /** Cold keys (active, never used) the driver authenticates with, one request each. */
  coldKeys: string[];
  /** Authenticates with the keys of the seeded collection. */
  authUrl: string;
  /** `_query/api_key` of the seeded collection, with the admin's credentials. */
  queryUrl: string;
  adminAuthorization: string;
  /** A username owning 200 of the keys. */
  queryUsername: string;
}

export interface RemoverReport {
  deleted: number;
  seconds: number;
  finished: boolean;
  error?: string;
  /** The server's event-loop delay while the remover ran (p99 and max, ms). */
  loopDelayP99Ms: number | null;
  loopDelayMaxMs: number | null;
}

/** Where a cold authentication's time goes, each measured on keys nothing has read before. */
export interface FloorReport {
  /** `findOne({_id})` with the driver, no library code: the database's own cost. */
  findByIdMs: number[];
  /** The API-key store's read (mongoose `findById().lean()`). */
  storeGetMs: number[];
  /** A whole `ApiKey` authentication in-process, without HTTP. */
  authenticateMs: number[];
  /**
   * The `_query/api_key` scale query's page read with the driver alone (`find` on
   * `creator.principal`, sort on `creation_time` and `_id`, limit 100), once; `null` with
   * `queryBoundMs` when the database had not answered within that bound.
   */
  queryMs: number | null;
  queryBoundMs: number;
}

export type Command =
  | { op: "seed-scale"; keys: number; expired: number; coldKeys: number }
  | { op: "db-floor"; samples: number; queryUsername: string; queryBoundMs: number }
  /** `process.cpuUsage()` of the server (all its threads), in microseconds. */
  | { op: "cpu" }
  /** A full garbage collection, so no scenario inherits the previous one's garbage. */
  | { op: "gc" }
  | { op: "remover-start" }
  | { op: "remover-status" }
  /** Resolves `true` once stopped, `false` when the batch in flight outlasts `waitMs`. */
  | { op: "remover-stop"; waitMs: number }
  | { op: "shutdown" };

export type ParentMessage = Command & { id: number };

export type ChildMessage =
  | { type: "progress"; message: string }
  | { type: "ready"; targets: ServerTargets; database: string; templateJson: string }
  | { type: "reply"; id: number; ok: true; value: unknown }
  | { type: "reply"; id: number; ok: false; error: string };
