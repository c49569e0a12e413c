import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { User } from "../authentication.js";

interface Entry {
  digest: Buffer;
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
  private readonly salt = randomBytes(16);
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0 && this.maxEntries > 0;
  }

  /** The cached user when `password` matches the cached digest and the entry is fresh. */
  verify(username: string, password: string, now = Date.now()): User | undefined {
    const entry = this.entries.get(username);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(username);
      return undefined;
    }
    return timingSafeEqual(entry.digest, this.digest(password)) ? entry.user : undefined;
  }

  put(username: string, password: string, user: User, now = Date.now()): void {
    if (!this.enabled) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(username)) {
      // Map iteration order is insertion order: drop the oldest.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.delete(username);
    this.entries.set(username, { digest: this.digest(password), user, expiresAt: now + this.ttlMs });
  }

  evict(username: string): void {
    this.entries.delete(username);
  }

  clear(): void {
    this.entries.clear();
  }

  private digest(password: string): Buffer {
    return createHash("sha256").update(this.salt).update(password, "utf8").digest();
  }
}
