// Types for mongo-server.mjs, so strict TypeScript (tests, demo, benchmarks) can import it.

export type MongoServerKind = "external" | "mongod" | "ferretdb";

export interface MongoServer {
  /** Server root such as `mongodb://127.0.0.1:41234/`; MONGODB_URI is returned as given (plus a `/` when it has no path). */
  uri: string;
  kind: MongoServerKind;
  /** Stops a server this module started (no-op for "external"); safe to call more than once. */
  stop(): Promise<void>;
}

export interface StartMongoServerOptions {
  /** Progress and diagnostics; defaults to stderr. */
  log?: (msg: string) => void;
  /** Keep data here across runs instead of a fresh temp dir that is removed on stop. */
  persistentDir?: string;
  /** FerretDB only: add the index its own `_id` lookups miss (the benchmark's choice). */
  ferretIdIndex?: boolean;
}

export function startMongoServer(options?: StartMongoServerOptions): Promise<MongoServer>;

export function normaliseRootUri(uri: string): string;

export function expressKeyguardCacheDir(): string;

export function ferretDbBinaryPath(): string;

export function ensureFerretDbBinary(options?: { log?: (msg: string) => void; go?: string }): Promise<string>;
