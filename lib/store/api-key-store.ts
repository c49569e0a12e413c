import type { Model, mongo } from "mongoose";
import { escapeRegex } from "../support/escape-regex.js";
import { randomId } from "../support/random-id.js";
import { retryPause } from "../support/retry-pause.js";
import type { LeaseStore } from "./lease-store.js";
import type { ApiKeyCreditRefillDoc, ApiKeyDoc, ApiKeyRateLimitDoc } from "./store-documents.js";
import { storeTimeLimitOf } from "./store-time-limit.js";

/** How a request names keys by `name`: exactly, by a `prefix*`, or every name (`*`). */
export type ApiKeyNameMatch = { exact: string } | { prefix: string };

/**
 * Which keys a Get / Invalidate / Update reads. Every field is a validated primitive; the store
 * builds the MongoDB filter itself, so request data never becomes an operator.
 */
export interface ApiKeySelector {
  ids?: readonly string[];
  name?: ApiKeyNameMatch;
  /** `creator.principal` */
  username?: string;
  /** `creator.realm` ∈ realms */
  realms?: readonly string[];
  /** Drop invalidated keys. */
  excludeInvalidated?: boolean;
  /** Drop keys invalidated before this instant (epoch ms, or without a recorded time); keep the rest. */
  excludeInvalidatedBefore?: number;
  /** Drop keys expired at this instant (epoch ms). */
  excludeExpiredAt?: number;
}

/** Fields an update may replace (`version` is bumped by the store). */
export type ApiKeyUpdate = Partial<
  Pick<
    ApiKeyDoc,
    | "role_descriptors"
    | "limited_by_role_descriptors"
    | "metadata"
    | "metadata_flattened"
    | "metadata_values"
    | "expiration_time"
    | "creator"
    | "enabled"
    | "disabled_at"
    | "disabled_by_owner"
  >
>;

/**
 * A replacement of a key's limits (see {@link ApiKeyStore.replaceLimits}). No rate limits and no
 * credits removes the `limits` field.
 */
export interface ApiKeyLimitsWrite {
  rateLimits: ApiKeyRateLimitDoc[];
  /** `undefined` removes the credits. */
  credits?: {
    /** The key had no credits: they are created with `leased: 0`. */
    fresh: boolean;
    /** The new not-yet-leased balance; `undefined` keeps it (never for `fresh`). */
    remaining: number | undefined;
    refill: ApiKeyCreditRefillDoc | undefined;
  };
  /** Write only while `limits.credits.leased` still has this value (a balance relative to the leases). */
  leased?: number;
}

/** A stored key as Get, Query and Update read it: everything but the secret's hash. */
export type ApiKeyDocWithoutHash = Omit<ApiKeyDoc, "hash">;

/** What authentication leaves in the database: the metadata copies only queries read. */
const AUTHENTICATION_PROJECTION = { metadata_flattened: 0, metadata_values: 0 } as const;

/** Only authentication reads the hash; every other read leaves it in the database. */
const WITHOUT_HASH = { hash: 0 } as const;

const ID_PATTERN = /^[\x21-\x7e]{1,512}$/;
/** How long a version claim holds if its writer never drops it (a crash). */
const CLAIM_MS = 10_000;
/** Lease names of version claims. */
export const CLAIM_PREFIX = "api_key_write/";
/** How long an invalidation waits for another writer's claim on the same key before writing anyway. */
const CLAIM_WAIT_MS = 5_000;

/** Whether `id` can be an API-key id at all (printable ASCII, bounded). Others are never looked up. */
export function isPlausibleApiKeyId(id: unknown): id is string {
  return typeof id === "string" && ID_PATTERN.test(id);
}

function assertString(value: unknown, what: string): string {
  if (typeof value !== "string") throw new TypeError(`api-key store: ${what} must be a string`);
  return value;
}

/**
 * The `api_keys` collection. Guarantees:
 * - `insert` writes one whole document (the key exists completely or not at all);
 * - `compareAndSet` replaces fields only if `version` still matches (optimistic concurrency, like
 *   Elasticsearch's `if_seq_no`), bumping it; a lost race returns `false`, nothing is written (also
 *   on FerretDB, whose conditional updates alone are not atomic: see the method);
 * - `replaceHash` is `compareAndSet` of the hash alone, also conditioned on the old hash and on
 *   the key not being invalidated;
 * - `invalidate` flips `invalidated` once per key (a key already invalidated is reported, not
 *   touched again), each key a single-document update under the same version claim, so a racing
 *   update never undoes it;
 * - `removeInactive` deletes only keys still matching the retention condition at delete time.
 * Indexes (models.ts): `_id`; `creator.principal+creator.realm`; `name`; `invalidated+invalidation_time`;
 * `expiration_time`; `creation_time`; `metadata_values`.
 */
export class ApiKeyStore {
  /** Who this store's version claims belong to (see {@link compareAndSet}). */
  private readonly claimant = randomId();

  constructor(
    readonly model: Model<ApiKeyDoc>,
    private readonly leases: LeaseStore,
  ) {}

  async insert(doc: ApiKeyDoc): Promise<void> {
    await this.model.create(doc);
  }

  /**
   * One key with its hash (authentication), without the query-only copies of its metadata
   * (`metadata_flattened`, `metadata_values`). One `_id` read through the driver: this is the read
   * of every authentication the cache cannot answer, and mongoose's query building and casting
   * add about 7 % of CPU to it for nothing (the result is plain data either way, typed as
   * `insert` wrote it).
   */
  async get(id: string): Promise<ApiKeyDoc | null> {
    if (!isPlausibleApiKeyId(id)) return null;
    const limit = storeTimeLimitOf(this.model);
    return limit.run(
      this.model.collection.findOne<ApiKeyDoc>({ _id: id } as unknown as mongo.Filter<mongo.Document>, {
        projection: AUTHENTICATION_PROJECTION,
        ...limit.options,
      }),
    );
  }

  /** Builds the MongoDB filter of a selector (exported for the query layer's scope filters). */
  static filterOf(selector: ApiKeySelector): Record<string, unknown> {
    const and: Record<string, unknown>[] = [];
    if (selector.ids !== undefined) {
      and.push({ _id: { $in: selector.ids.map((id) => assertString(id, "id")) } });
    }
    if (selector.name !== undefined) {
      if ("exact" in selector.name) and.push({ name: assertString(selector.name.exact, "name") });
      else and.push({ name: { $regex: `^${escapeRegex(assertString(selector.name.prefix, "name prefix"))}` } });
    }
    if (selector.username !== undefined) and.push({ "creator.principal": assertString(selector.username, "username") });
    if (selector.realms !== undefined) and.push({ "creator.realm": { $in: selector.realms.map((r) => assertString(r, "realm")) } });
    if (selector.excludeInvalidated) and.push({ invalidated: false });
    if (selector.excludeInvalidatedBefore !== undefined) {
      const since = selector.excludeInvalidatedBefore;
      if (!Number.isFinite(since)) throw new TypeError("api-key store: excludeInvalidatedBefore must be a number");
      and.push({ $or: [{ invalidated: false }, { invalidation_time: { $gte: since } }] });
    }
    if (selector.excludeExpiredAt !== undefined) {
      const now = selector.excludeExpiredAt;
      if (!Number.isFinite(now)) throw new TypeError("api-key store: excludeExpiredAt must be a number");
      and.push({ $or: [{ expiration_time: null }, { expiration_time: { $gt: now } }] });
    }
    if (and.length === 0) return {};
    if (and.length === 1) return and[0] as Record<string, unknown>;
    return { $and: and };
  }

  /** Keys matching `selector`, oldest first, without their hashes. */
  async find(selector: ApiKeySelector): Promise<ApiKeyDocWithoutHash[]> {
    return this.model
      .find(ApiKeyStore.filterOf(selector), WITHOUT_HASH)
      .sort({ creation_time: 1, _id: 1 })
      .lean<ApiKeyDocWithoutHash[]>()
      .exec();
  }

  /** One key without its hash (for reads that are not authentication). */
  async getWithoutHash(id: string): Promise<ApiKeyDocWithoutHash | null> {
    if (!isPlausibleApiKeyId(id)) return null;
    return this.model.findById(id, WITHOUT_HASH).lean<ApiKeyDocWithoutHash>().exec();
  }

  /** Ids, types, versions and states of keys matching `selector` (what invalidation needs). */
  async findIds(selector: ApiKeySelector): Promise<Array<Pick<ApiKeyDoc, "_id" | "type" | "version" | "invalidated">>> {
    return this.model
      .find(ApiKeyStore.filterOf(selector), { _id: 1, type: 1, version: 1, invalidated: 1 })
      .sort({ creation_time: 1, _id: 1 })
      .lean<Array<Pick<ApiKeyDoc, "_id" | "type" | "version" | "invalidated">>>()
      .exec();
  }

  /**
   * Marks each key invalidated at `now`, unless it already is. Returns the ids this call
   * invalidated and those another writer had invalidated first (a key deleted meanwhile is in
   * neither). Each key is written under a version claim, like {@link compareAndSet}, so a racing
   * update can never overwrite the invalidation with the document it read before (FerretDB
   * rewrites whole documents); `version` is where to start, from the read that selected the key.
   */
  async invalidate(
    targets: ReadonlyArray<{ id: string; version: number }>,
    now: number,
  ): Promise<{ invalidated: string[]; previously: string[] }> {
    const invalidated: string[] = [];
    const previously: string[] = [];
    const CHUNK = 100;
    for (let i = 0; i < targets.length; i += CHUNK) {
      const chunk = targets.slice(i, i + CHUNK);
      const outcomes = await Promise.all(chunk.map((target) => this.invalidateOne(assertString(target.id, "id"), target.version, now)));
      outcomes.forEach((outcome, index) => {
        const id = (chunk[index] as { id: string }).id;
        if (outcome === "invalidated") invalidated.push(id);
        else if (outcome === "previously") previously.push(id);
      });
    }
    return { invalidated, previously };
  }

  private async invalidateOne(id: string, firstVersion: number, now: number): Promise<"invalidated" | "previously" | "missing"> {
    const change = { $set: { invalidated: true, invalidation_time: now }, $inc: { version: 1 } };
    let version = firstVersion;
    const giveUpAt = Date.now() + CLAIM_WAIT_MS;
    let pauses = 0;
    for (;;) {
      const modified = await this.withClaim(id, version, async () => {
        const result = await this.model.updateOne({ _id: id, version, invalidated: false }, change).exec();
        return result.modifiedCount > 0;
      });
      if (modified === true) return "invalidated";
      // Another writer holds this version (most often a racing invalidation), or moved it on:
      // watch the document, reading only, until it settles, then claim the new version.
      for (;;) {
        if (Date.now() >= giveUpAt) {
          // The holder is stuck or dead (its claim expires by itself): the version-free
          // conditional update settles it. It is atomic on MongoDB, but FerretDB evaluates the
          // filter and writes in two steps, so the writers that gave up at once (many, on a loaded
          // machine) take turns on one settle claim; a later one finds the key invalidated.
          const settled = await this.withNamedClaim(`${CLAIM_PREFIX}${id}@settle`, async () => {
            const result = await this.model.updateOne({ _id: id, invalidated: false }, change).exec();
            return result.modifiedCount > 0 ? ("invalidated" as const) : ("previously" as const);
          });
          if (settled !== undefined) return settled;
        }
        await retryPause(++pauses);
        const current = await this.model
          .findById(id, { version: 1, invalidated: 1 })
          .lean<Pick<ApiKeyDoc, "version" | "invalidated">>()
          .exec();
        if (!current) return "missing";
        if (current.invalidated) return "previously";
        if (current.version !== version) {
          version = current.version;
          break;
        }
      }
    }
  }

  /**
   * Runs `write` while holding the claim on `<id>@<version>` (see {@link compareAndSet});
   * `undefined` when another writer holds it.
   */
  private async withClaim<T>(id: string, version: number, write: () => Promise<T>): Promise<T | undefined> {
    if (!Number.isInteger(version)) throw new TypeError("api-key store: version must be an integer");
    return this.withNamedClaim(`${CLAIM_PREFIX}${id}@${version}`, write);
  }

  /** Runs `write` while holding the lease `claim`; `undefined` when another writer holds it. */
  private async withNamedClaim<T>(claim: string, write: () => Promise<T>): Promise<T | undefined> {
    const now = Date.now();
    if (!(await this.leases.acquire(claim, this.claimant, now, now + CLAIM_MS))) return undefined;
    try {
      return await write();
    } finally {
      await this.leases.drop(claim, this.claimant);
    }
  }

  /**
   * Replaces `fields` if the document is still at `version`; false when someone else won.
   *
   * The conditional update alone is a compare-and-set on MongoDB, but FerretDB 1.x evaluates the
   * filter and writes the whole document in two steps, so racing writers could all "win" and all
   * but the last update would be lost. Each writer therefore first claims `<id>@<version>` in the
   * leases collection: a unique `_id` insert, atomic on every server, so one writer per version
   * proceeds. The claim is dropped after the write (a late writer holding the same version then
   * fails the version check) and expires by itself if its holder dies; the remover sweeps those.
   */
  async compareAndSet(id: string, version: number, fields: ApiKeyUpdate): Promise<boolean> {
    const written = await this.withClaim(assertString(id, "id"), version, async () => {
      const result = await this.model.updateOne({ _id: id, version }, { $set: fields, $inc: { version: 1 } }).exec();
      return result.modifiedCount > 0;
    });
    return written === true;
  }

  /**
   * Replaces a key's rate limits and credit settings if it is still at `version` (and, with
   * `change.leased`, its leases still hold that many credits), bumping `version`; false when
   * someone else won. `limits.credits.leased` and, unless given, `remaining` are never
   * rewritten: the enforcement engine moves them with atomic increments meanwhile.
   */
  async replaceLimits(id: string, version: number, change: ApiKeyLimitsWrite): Promise<boolean> {
    const set: Record<string, unknown> = {};
    const unset: Record<string, ""> = {};
    if (change.rateLimits.length === 0 && change.credits === undefined) unset.limits = "";
    else {
      set["limits.rate_limits"] = change.rateLimits;
      const credits = change.credits;
      if (credits === undefined) unset["limits.credits"] = "";
      else if (credits.fresh) {
        set["limits.credits"] = { remaining: credits.remaining ?? 0, leased: 0, ...(credits.refill ? { refill: credits.refill } : {}) };
      } else {
        if (credits.remaining !== undefined) set["limits.credits.remaining"] = credits.remaining;
        if (credits.refill) set["limits.credits.refill"] = credits.refill;
        else unset["limits.credits.refill"] = "";
      }
    }
    const filter: Record<string, unknown> = { _id: assertString(id, "id"), version };
    if (change.leased !== undefined) filter["limits.credits.leased"] = change.leased;
    const update: Record<string, unknown> = { $inc: { version: 1 } };
    if (Object.keys(set).length > 0) update.$set = set;
    if (Object.keys(unset).length > 0) update.$unset = unset;
    const written = await this.withClaim(id, version, async () => {
      const result = await this.model.updateOne(filter, update).exec();
      return result.modifiedCount > 0;
    });
    return written === true;
  }

  /**
   * Replaces the stored hash with `hash` if the key is still at `version`, still stores
   * `expectedHash` and is not invalidated (hash upgrade on use); false otherwise, nothing written.
   * Same `<id>@<version>` claim and `version` bump as {@link compareAndSet}, so a racing
   * invalidation or update is never overwritten: it either claims first (this call then fails)
   * or sees the bumped version and writes after it.
   */
  async replaceHash(id: string, version: number, expectedHash: string, hash: string): Promise<boolean> {
    const written = await this.withClaim(assertString(id, "id"), version, async () => {
      const filter = { _id: id, version, hash: assertString(expectedHash, "expected hash"), invalidated: false };
      const result = await this.model.updateOne(filter, { $set: { hash: assertString(hash, "hash") }, $inc: { version: 1 } }).exec();
      return result.modifiedCount > 0;
    });
    return written === true;
  }

  /**
   * Deletes up to `batchSize` keys that expired, or were invalidated, at or before `cutoff` (a key
   * invalidated without a recorded time counts as old). Returns the deleted ids.
   */
  async removeInactive(cutoff: number, batchSize: number): Promise<string[]> {
    const condition = {
      $or: [
        { expiration_time: { $ne: null, $lte: cutoff } },
        { invalidated: true, invalidation_time: { $lte: cutoff } },
        { invalidated: true, invalidation_time: null },
      ],
    };
    const docs = await this.model.find(condition, { _id: 1 }).limit(batchSize).lean<Array<{ _id: string }>>().exec();
    if (docs.length === 0) return [];
    const ids = docs.map((d) => d._id);
    // MongoDB: the hint pins the `_id` index (1,000 point reads), where the planner could pick
    // the retention condition's indexes and walk every inactive key per batch. A server that
    // evaluates the filter document by document (FerretDB, which ignores hints) sees the
    // retention condition first and rejects live keys before scanning the id list.
    await this.model.deleteMany({ $and: [condition, { _id: { $in: ids } }] }, { hint: { _id: 1 } }).exec();
    return ids;
  }
}
