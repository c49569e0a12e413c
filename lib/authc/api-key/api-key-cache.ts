import { hash as oneShotHash, randomBytes } from "node:crypto";
import { constantTimeDigestEqual } from "../../support/constant-time-equal.js";
import type { ApiKeyDoc } from "../../store/store-documents.js";
import type { Authentication } from "../../model/authentication.js";

/** What the cache keeps of a key's document: enough to authenticate without reading it again. */
export interface ApiKeySnapshot {
  readonly id: string;
  readonly type: ApiKeyDoc["type"];
  readonly invalidated: boolean;
  readonly expirationTime: number | null;
  /** Disabled (an extension): refused like an invalidated key, but it can be enabled again. */
  readonly disabled?: boolean;
  /** The stored hash the cached secret digest was verified against. */
  readonly hash: string;
  /** The shared, frozen subject of requests made with this key. */
  readonly authentication: Authentication;
}

interface Entry {
  snapshot: ApiKeySnapshot;
  /** When the snapshot was read from the database. */
  loadedAt: number;
  /** Salted SHA-256 (hex) of the secret that verified against `snapshot.hash`, when one did. */
  digest: string | undefined;
  lastAccess: number;
}

export interface ApiKeyCacheOptions {
  /** Expire-after-access for verified secrets; `0` disables the cache entirely (as in Elasticsearch). */
  ttlMs: number;
  /** Most keys kept; the least recently used are dropped first. */
  maxKeys: number;
  /** How long a document snapshot is trusted without re-reading it; `0` re-reads every time. */
  docTtlMs: number;
}

/**
 * The API-key auth cache (Elasticsearch's `api_key` auth cache and `api_key_doc` cache in one map):
 * id → {doc snapshot, salted digest of the verified secret}. A hit costs a SHA-256 of the secret
 * and a constant-time compare: no database round trip, no slow hash.
 *
 * Coherence: every eviction bumps {@link epoch}; a loader captures the epoch before reading the
 * database and {@link put} drops its result if an eviction happened meanwhile, so a read racing
 * with an invalidation can never re-insert the stale document.
 */
export class ApiKeyCache {
  /** Random per process; a string so one `crypto.hash` call digests salt and secret together. */
  private readonly salt = randomBytes(16).toString("hex");
  private readonly entries = new Map<string, Entry>();
  /** The key last moved to the end of `entries` (the most recently used). */
  private mostRecent: string | undefined;
  private generation = 0;

  constructor(private readonly options: ApiKeyCacheOptions) {}

  get enabled(): boolean {
    return this.options.ttlMs > 0 && this.options.maxKeys > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Changes on every eviction; see the class comment. */
  get epoch(): number {
    return this.generation;
  }

  /**
   * The cached snapshot of `id` when its document is still fresh, plus whether `secret` is the
   * one already verified for it (`verified`). Touches the entry (expire-after-access, LRU).
   */
  lookup(id: string, secret: string, now: number): { snapshot: ApiKeySnapshot; verified: boolean } | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (now - entry.lastAccess > this.options.ttlMs) {
      this.entries.delete(id);
      return undefined;
    }
    entry.lastAccess = now;
    // Re-insert to keep Map order = least recently used first, unless it is already last: a
    // delete and set on every hit of a busy key churns the Map's backing store.
    if (this.mostRecent !== id) {
      this.entries.delete(id);
      this.entries.set(id, entry);
      this.mostRecent = id;
    }
    if (now - entry.loadedAt > this.options.docTtlMs) {
      // The document is stale; the verified digest stays useful if the hash did not change.
      return undefined;
    }
    return { snapshot: entry.snapshot, verified: this.digestMatches(entry, entry.snapshot.hash, secret) };
  }

  /** Whether `secret` was verified before against `hash` (survives a stale document). */
  verifiedBefore(id: string, hash: string, secret: string): boolean {
    const entry = this.entries.get(id);
    return entry !== undefined && this.digestMatches(entry, hash, secret);
  }

  /**
   * Stores a snapshot read at `epoch` (and, when given, the secret verified against it). Ignored
   * when disabled or when an eviction happened after `epoch`.
   */
  put(snapshot: ApiKeySnapshot, verifiedSecret: string | undefined, epoch: number, now: number): void {
    if (!this.enabled || epoch !== this.generation) return;
    const previous = this.entries.get(snapshot.id);
    let digest = verifiedSecret !== undefined ? this.digest(verifiedSecret) : undefined;
    if (digest === undefined && previous?.digest && previous.snapshot.hash === snapshot.hash) digest = previous.digest;
    if (!previous && this.entries.size >= this.options.maxKeys) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.delete(snapshot.id);
    this.entries.set(snapshot.id, { snapshot, loadedAt: now, digest, lastAccess: now });
    this.mostRecent = snapshot.id;
  }

  /** Drops everything known about `id` (invalidation, clear-cache). */
  evict(id: string): void {
    this.generation++;
    this.entries.delete(id);
  }

  /** Forces the next authentication of `id` to re-read its document (update). */
  markStale(id: string): void {
    this.generation++;
    const entry = this.entries.get(id);
    if (entry) entry.loadedAt = Number.NEGATIVE_INFINITY;
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  private digestMatches(entry: Entry, hash: string, secret: string): boolean {
    if (!entry.digest || entry.snapshot.hash !== hash) return false;
    return constantTimeDigestEqual(entry.digest, this.digest(secret));
  }

  private digest(secret: string): string {
    // One-shot hashing to a string: a quarter of the cost of createHash().update().digest() and
    // timingSafeEqual, which need two Buffers (ArrayBuffer allocations) per request.
    return oneShotHash("sha256", this.salt + secret, "hex");
  }
}
