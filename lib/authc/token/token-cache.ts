import type { Authentication } from "../../model/authentication.js";

/** What an instance knows about one access token id. */
export type TokenCacheEntry =
  | {
      readonly state: "valid";
      readonly authentication: Authentication;
      /** Access-token expiry (epoch ms). */
      readonly expiresAt: number;
      /** When the database last confirmed the token was not invalidated. */
      readonly confirmedAt: number;
    }
  /** Invalidated (or its API key was): refused without asking the database. */
  | { readonly state: "revoked"; readonly expiresAt: number }
  /** No such document (deleted by the remover): refused without asking the database. */
  | { readonly state: "missing"; readonly expiresAt: number };

export interface TokenCacheOptions {
  /** Most entries kept; the least recently used go first. */
  maxEntries: number;
}

/**
 * Per-instance knowledge of access tokens by id: the subject of valid ones (so a Bearer request
 * costs a JWT verification and one map lookup, no database round trip) and the ids known to be
 * revoked. Every entry disappears at the token's expiry, after which the JWT itself is refused.
 *
 * Coherence: {@link revoke} bumps {@link epoch}; a loader captures the epoch before reading the
 * database and {@link put} ignores its result if a revocation happened meanwhile, so a read
 * racing with an invalidation can never re-insert a token as valid.
 */
export class TokenCache {
  private readonly entries = new Map<string, TokenCacheEntry>();
  /** The id last moved to the end of `entries` (the most recently used). */
  private mostRecent: string | undefined;
  private generation = 0;

  constructor(private readonly options: TokenCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  get epoch(): number {
    return this.generation;
  }

  /** The entry of `id` unless it has expired; touches it (LRU). */
  get(id: string, now: number): TokenCacheEntry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(id);
      return undefined;
    }
    // Re-insert to keep Map order = least recently used first, unless it is already last: a
    // delete and set on every request with the same token churns the Map's backing store.
    if (this.mostRecent !== id) {
      this.entries.delete(id);
      this.entries.set(id, entry);
      this.mostRecent = id;
    }
    return entry;
  }

  /** Stores what a database read (made at `epoch`) found; ignored if a revocation happened since. */
  put(id: string, entry: TokenCacheEntry, epoch: number): void {
    if (epoch !== this.generation) return;
    this.set(id, entry);
  }

  /** Marks `id` revoked until `expiresAt` (immediately, whatever loads are in flight). */
  revoke(id: string, expiresAt: number): void {
    this.generation++;
    this.set(id, { state: "revoked", expiresAt });
  }

  /** Revokes every cached valid token whose subject matches `predicate` (e.g. minted by an invalidated API key). */
  revokeWhere(predicate: (authentication: Authentication) => boolean): number {
    this.generation++;
    let n = 0;
    for (const [id, entry] of this.entries) {
      if (entry.state === "valid" && predicate(entry.authentication)) {
        this.entries.set(id, { state: "revoked", expiresAt: entry.expiresAt });
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  private set(id: string, entry: TokenCacheEntry): void {
    if (this.options.maxEntries <= 0) return;
    if (!this.entries.has(id) && this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.delete(id);
    this.entries.set(id, entry);
    this.mostRecent = id;
  }
}
