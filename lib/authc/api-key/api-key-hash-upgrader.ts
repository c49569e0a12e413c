import type { AuditTrail } from "../../audit/audit-trail.js";
import type { ApiKeyDoc } from "../../store/store-documents.js";
import { snapshotOf } from "./api-key-authenticator.js";
import type { ApiKeyCache, ApiKeySnapshot } from "./api-key-cache.js";
import { hashFormatOf, PBKDF2_ITERATIONS, type ApiKeyHasher } from "./api-key-hash.js";
import type { ApiKeyHashAlgorithm } from "../../model/api-key-options.js";

/** What the upgrader needs from storage (see `ApiKeyStore.replaceHash`). */
export interface HashUpgradeStore {
  get(id: string): Promise<ApiKeyDoc | null>;
  replaceHash(id: string, version: number, expectedHash: string, hash: string): Promise<boolean>;
}

const PBKDF2_PLAIN = /^\{PBKDF2\}(\d{1,8})\$/;
/**
 * Upgrades running at once per process. More are skipped, not queued: a burst of first uses
 * (say after importing many keys) must not pile slow hashes onto the workers that Basic
 * authentication shares, nor keep secrets in memory; a skipped key is considered again at its
 * next slow-path authentication.
 */
export const MAX_CONCURRENT_UPGRADES = 4;

/**
 * Whether a verified stored hash differs from what `algorithm` writes today: another family, or
 * a PBKDF2 hash that is `{PBKDF2_STRETCH}` or has fewer iterations than new ones get. Never for a
 * stronger PBKDF2 hash (the work factor is not lowered), nor for bcrypt hashes of another cost.
 */
export function needsHashUpgrade(stored: string, algorithm: ApiKeyHashAlgorithm): boolean {
  const format = hashFormatOf(stored);
  if (format === undefined) return false;
  if (format !== algorithm) return true;
  if (format !== "pbkdf2") return false;
  const iterations = PBKDF2_PLAIN.exec(stored)?.[1];
  return iterations === undefined || Number(iterations) < PBKDF2_ITERATIONS;
}

/** Only the error's name and code: a driver message may quote the filter, hence the hash. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return "unknown error";
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" || typeof code === "number" ? `${error.name} (code ${code})` : error.name;
}

/**
 * Hash upgrade on use: after a key authenticated with a stored hash in another format than the
 * configured `apiKeys.hashAlgorithm` (say `{PBKDF2}` from an import while `ssha256` is
 * configured), rewrites its hash once, in the background, from the secret just verified.
 *
 * - Never blocks or fails the request: {@link consider} returns at once; errors become an
 *   `api_key_hash_upgrade` audit event with outcome `failed` (no secret, no hash).
 * - Compare-and-set: `ApiKeyStore.replaceHash` writes only if the key is still at the version
 *   read, still holds the verified hash and is not invalidated, under the store's `<id>@<version>`
 *   claim, so a racing invalidation or update is never lost (FerretDB rewrites whole documents).
 *   The write bumps `version` like every write; update's no-op detection compares fields, not
 *   versions, so it is unaffected.
 * - At most one upgrade per key, and {@link MAX_CONCURRENT_UPGRADES} in all, at a time in this
 *   process; a skipped key or a lost race is not retried until the key next takes the slow
 *   authentication path (a cache miss or a document refresh).
 * - The local cache gets the new hash with the verified secret, so the next requests stay cache
 *   hits. Other instances keep their cached digest until their document refresh (`docCacheTtl`),
 *   then verify once against the new hash; no journal event is needed: the secret is the same.
 */
export class ApiKeyHashUpgrader {
  private readonly inFlight = new Map<string, Promise<void>>();
  private closed = false;

  constructor(
    private readonly store: HashUpgradeStore,
    private readonly hasher: Pick<ApiKeyHasher, "algorithm" | "hash">,
    private readonly cache: ApiKeyCache,
    private readonly audit: AuditTrail | undefined,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Upgrades in flight now (for tests and shutdown). */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Called after `secret` verified against `snapshot.hash` and the key authenticated. Returns at once. */
  consider(snapshot: ApiKeySnapshot, secret: string): void {
    if (this.closed || this.inFlight.size >= MAX_CONCURRENT_UPGRADES || this.inFlight.has(snapshot.id)) return;
    if (!needsHashUpgrade(snapshot.hash, this.hasher.algorithm)) return;
    const id = snapshot.id;
    const job = this.upgrade(id, snapshot.hash, secret).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, job);
  }

  /** Resolves when no upgrade is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight.values());
  }

  /** Starts no new upgrade and waits for those in flight. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  private async upgrade(id: string, verifiedHash: string, secret: string): Promise<void> {
    const from = hashFormatOf(verifiedHash) ?? "unknown";
    const to = this.hasher.algorithm;
    let outcome: "upgraded" | "skipped" | "failed" = "skipped";
    let reason: string | undefined;
    try {
      // Captured before the read: an eviction meanwhile (invalidation) makes the cache drop our put.
      const epoch = this.cache.epoch;
      const doc = await this.store.get(id);
      if (doc && !doc.invalidated && doc.hash === verifiedHash) {
        const hash = await this.hasher.hash(secret);
        if (await this.store.replaceHash(id, doc.version, verifiedHash, hash)) {
          outcome = "upgraded";
          this.cache.put(snapshotOf({ ...doc, hash, version: doc.version + 1 }), secret, epoch, this.clock());
        }
      }
    } catch (error) {
      outcome = "failed";
      reason = describeError(error);
    }
    this.audit?.emit(() => ({
      type: "api_key_hash_upgrade",
      timestamp: new Date().toISOString(),
      api_key_id: id,
      from,
      to,
      outcome,
      ...(reason !== undefined ? { reason } : {}),
    }));
  }
}
