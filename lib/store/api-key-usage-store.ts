import type { Model } from "mongoose";
import { randomId } from "../support/random-id.js";
import { retryPause } from "../support/retry-pause.js";
import type { LeaseStore } from "./lease-store.js";
import type { ApiKeyUsageDoc } from "./store-documents.js";
import { storeTimeLimitOf } from "./store-time-limit.js";

/** One key's usage recorded by one instance since its last flush. */
export interface ApiKeyUsageDelta {
  readonly id: string;
  /** Latest use (epoch ms). */
  readonly lastUsed: number;
  /** Uses since the last flush. */
  readonly count: number;
}

/** What Get and Query show of a key's usage. */
export interface ApiKeyUsageValues {
  last_used: number;
  use_count: number;
}

/** Outcome of {@link ApiKeyUsageStore.add}: what was not written (to keep for the next flush) and why. */
export interface ApiKeyUsageAddResult {
  unwritten: ApiKeyUsageDelta[];
  error?: unknown;
}

/** The lease serializing usage flushes across instances. */
export const USAGE_FLUSH_LEASE = "api_key_usage_flush";
/** Keys per bulk write (and per lease hold): bounded request size, and other instances get turns. */
const CHUNK = 1000;
/** A crashed flusher blocks the others at most this long. Far above one chunk's write time. */
const LEASE_MS = 30_000;
/** Ids per `$in` when reading usage back. */
const READ_CHUNK = 10_000;
/** The only queryable usage field (the query layer joins it by key id). */
const QUERYABLE = new Set(["last_used"]);

/**
 * The `api_key_usage` collection: one document per used key, `_id` = key id, holding `last_used`
 * and `use_count`.
 *
 * Why not fields of the key document: on FerretDB 1.x a filtered update reads the document and
 * rewrites it whole, not atomically, so a usage write racing an invalidation could write back the
 * pre-invalidation document and silently revive the key. `ApiKeyStore` protects its own writers
 * with `<id>@<version>` claims, but claiming per key per flush would cost three round trips per
 * key and would make usage bump (or wait on) versions. Kept apart, usage writes can never touch a
 * key's `invalidated`, hash or descriptors, on any server, and the flush stays one bulk write.
 *
 * Guarantees:
 * - {@link add} applies `$max: {last_used}` and `$inc: {use_count}` upserts in bulk writes of up
 *   to 1,000 keys, so several instances combine as the max of `last_used` and the sum of counts;
 * - each bulk write runs under the `api_key_usage_flush` lease, so on servers whose updates are
 *   not atomic (FerretDB's `$inc` is a read-modify-write; two racing flushes lose counts, and racing
 *   upserts of a new key fail with E11000) only one instance writes usage at a time;
 * - a failed or refused write reports the deltas it did not apply (a connection lost mid-write may
 *   have applied some of them: counts are then at-least-once, `last_used` exact).
 * Index: `_id`, `last_used` (range queries of `_query/api_key`).
 */
export class ApiKeyUsageStore {
  /** Fields the query layer may join in from here (`JoinedFields.paths`). */
  readonly paths: ReadonlySet<string> = QUERYABLE;
  private readonly owner = randomId();

  constructor(
    readonly model: Model<ApiKeyUsageDoc>,
    private readonly leases: LeaseStore,
  ) {}

  /**
   * Adds `deltas` to the stored usage, a chunk at a time, each under the flush lease; waits up to
   * `leaseWaitMs` for the lease before each chunk. Never rejects: what it could not write comes
   * back in `unwritten`, with the error (or none when the lease stayed busy).
   */
  async add(deltas: readonly ApiKeyUsageDelta[], leaseWaitMs: number): Promise<ApiKeyUsageAddResult> {
    for (let start = 0; start < deltas.length; start += CHUNK) {
      const chunk = deltas.slice(start, start + CHUNK);
      try {
        if (!(await this.acquire(leaseWaitMs))) return { unwritten: deltas.slice(start) };
      } catch (error) {
        return { unwritten: deltas.slice(start), error };
      }
      let failed: ApiKeyUsageDelta[] = [];
      let error: unknown;
      try {
        await this.model.bulkWrite(
          chunk.map((delta) => ({
            updateOne: {
              filter: { _id: delta.id },
              update: { $max: { last_used: delta.lastUsed }, $inc: { use_count: delta.count } },
              upsert: true,
            },
          })),
          // Not a query (no middleware): the store's time limit is passed explicitly.
          { ordered: false, ...storeTimeLimitOf(this.model).options },
        );
      } catch (caught) {
        error = caught;
        failed = failedDeltas(caught, chunk);
      } finally {
        await this.leases.drop(USAGE_FLUSH_LEASE, this.owner).catch(() => undefined);
      }
      if (error !== undefined) return { unwritten: [...failed, ...deltas.slice(start + CHUNK)], error };
    }
    return { unwritten: [] };
  }

  private async acquire(waitMs: number): Promise<boolean> {
    const giveUpAt = Date.now() + waitMs;
    for (let attempt = 1; ; attempt++) {
      const now = Date.now();
      if (await this.leases.acquire(USAGE_FLUSH_LEASE, this.owner, now, now + LEASE_MS)) return true;
      if (Date.now() >= giveUpAt) return false;
      await retryPause(attempt);
    }
  }

  /** Stored usage of `ids` (keys never used are absent). */
  async valuesFor(ids: readonly string[]): Promise<Map<string, ApiKeyUsageValues>> {
    const out = new Map<string, ApiKeyUsageValues>();
    for (let start = 0; start < ids.length; start += READ_CHUNK) {
      const docs = await this.model
        .find({ _id: { $in: ids.slice(start, start + READ_CHUNK).map(String) } })
        .lean<ApiKeyUsageDoc[]>()
        .exec();
      for (const doc of docs) out.set(doc._id, { last_used: doc.last_used, use_count: doc.use_count });
    }
    return out;
  }

  /**
   * Ids of usage documents matching `condition` (a filter the query layer built over
   * {@link paths} from validated values), at most `limit + 1` so the caller can tell "too many".
   */
  async idsMatching(condition: Record<string, unknown>, limit: number): Promise<string[]> {
    const timeLimit = storeTimeLimitOf(this.model);
    const docs = await timeLimit.run(
      this.model.collection.find(condition, { projection: { _id: 1 }, limit: limit + 1, ...timeLimit.options }).toArray(),
    );
    return docs.map((doc) => String(doc._id));
  }

  /** Deletes the usage of deleted keys. */
  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.model.deleteMany({ _id: { $in: ids.map(String) } }).exec();
  }
}

/**
 * The deltas of a chunk that a failed bulk write did not apply: with per-operation errors only
 * (e.g. a duplicate key) exactly those; otherwise (connection, timeout) all of them.
 */
function failedDeltas(error: unknown, chunk: readonly ApiKeyUsageDelta[]): ApiKeyUsageDelta[] {
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors !== undefined ? [writeErrors] : undefined;
  if (list === undefined || list.length === 0) return [...chunk];
  const out: ApiKeyUsageDelta[] = [];
  for (const item of list) {
    const index = (item as { index?: unknown }).index;
    if (typeof index !== "number") return [...chunk];
    const delta = chunk[index];
    if (delta !== undefined) out.push(delta);
  }
  return out;
}
