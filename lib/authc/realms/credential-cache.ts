import { hash as oneShotHash, randomBytes } from "node:crypto";
import { constantTimeDigestEqual } from "../../support/constant-time-equal.js";
import type { User } from "../../model/authentication.js";

interface Entry {
  /** Salted SHA-256 (hex) of the password. */
  digest: string;
  user: User;
  expiresAt: number;
}

/**
 * Remembers, per username, a salted SHA-256 of the last password that verified, so a repeated
 * Basic request costs a hash and a constant-time compare instead of a bcrypt run. The salt is
 * random per process: the cache is useless to anyone who dumps memory of another instance, and
 * a wrong password can never match by accident of an old entry.
 */
export class CredentialCache {
  /** Random per process; a string so one `crypto.hash` call digests salt and password together. */
  private readonly salt = randomBytes(16).toString("hex");
  private readonly entries = new Map<string, Entry>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0 && this.maxEntries > 0;
  }

  /**
   * Changes on every eviction. A realm reads it before loading a user and hands it to
   * {@link put}, which then drops the result if an eviction (password change, disable, role
   * change) happened meanwhile: a verification racing a change never re-inserts the old state.
   */
  get epoch(): number {
    return this.generation;
  }

  /** The cached user when `password` matches the cached digest and the entry is fresh. */
  verify(username: string, password: string, now = Date.now()): User | undefined {
    const entry = this.entries.get(username);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(username);
      return undefined;
    }
    return constantTimeDigestEqual(entry.digest, this.digest(password)) ? entry.user : undefined;
  }

  put(username: string, password: string, user: User, now = Date.now(), epoch?: number): void {
    if (!this.enabled || (epoch !== undefined && epoch !== this.generation)) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(username)) {
      // Map iteration order is insertion order: drop the oldest.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.delete(username);
    this.entries.set(username, { digest: this.digest(password), user, expiresAt: now + this.ttlMs });
  }

  evict(username: string): void {
    this.generation++;
    this.entries.delete(username);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  private digest(password: string): string {
    // One-shot hashing to a string: a quarter of the cost of createHash().update().digest() and
    // timingSafeEqual, which need two Buffers (ArrayBuffer allocations) per request.
    return oneShotHash("sha256", this.salt + password, "hex");
  }
}
