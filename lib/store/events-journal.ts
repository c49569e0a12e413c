import type { Model } from "mongoose";
import { randomId } from "../support/random-id.js";
import type { EventDoc } from "./store-documents.js";

/** What changed. Each instance evicts the matching cache entries when it sees the event. */
export type SecurityEventKind =
  | "api_key.invalidate"
  | "api_key.update"
  | "api_key.clear_cache"
  | "user.change"
  | "role.change"
  | "privilege.change"
  | "token.invalidate"
  // `_clear_cache` of realms (keys: encoded realm targets), roles (names) and privileges (applications).
  | "realm.clear_cache"
  | "role.clear_cache"
  | "privilege.clear_cache"
  | "token.signing_key";

export interface SecurityEvent {
  kind: SecurityEventKind;
  /** Ids or names affected; `["*"]` means everything of that kind. */
  keys: string[];
}

export type SecurityEventListener = (event: SecurityEvent) => void;

/**
 * The change journal that keeps caches coherent across app instances without change streams
 * (which need a replica set): writers append, every instance polls and evicts.
 *
 * Guarantees: an event appended by instance A is delivered to every listener of instance A at
 * once, and to every other polling instance within one poll interval (plus the database round
 * trip). Polling re-reads a window of {@link OVERLAP_MS} behind the newest event seen, because
 * clocks of different instances are not perfectly aligned; duplicates are dropped by id.
 */
export class EventsJournal {
  private readonly model: Model<EventDoc>;
  private readonly origin = randomId();
  private readonly listeners = new Set<SecurityEventListener>();
  private readonly seen = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private cursor = 0;
  private polling = false;
  /** Resolves when the first poll after start has completed. */
  lastPollOk = true;

  static readonly OVERLAP_MS = 5_000;
  /** Events older than this are deleted by {@link prune}. */
  static readonly KEEP_MS = 60 * 60 * 1000;

  constructor(model: Model<EventDoc>) {
    this.model = model;
  }

  subscribe(listener: SecurityEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records the change and applies it locally before returning. */
  async append(event: SecurityEvent): Promise<void> {
    const id = randomId();
    const at = Date.now();
    this.seen.set(id, at);
    this.emit(event);
    await this.model.create({ _id: id, at, kind: event.kind, keys: event.keys, origin: this.origin });
  }

  start(intervalMs: number): void {
    this.cursor = Date.now();
    const tick = () => {
      void this.poll().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, intervalMs).unref();
      });
    };
    this.timer = setTimeout(tick, intervalMs).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Reads new events and delivers the ones this instance has not applied yet. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const since = this.cursor - EventsJournal.OVERLAP_MS;
      const docs = await this.model
        .find({ at: { $gt: since } })
        .sort({ at: 1 })
        .limit(10_000)
        .lean()
        .exec();
      for (const doc of docs) {
        if (this.seen.has(doc._id)) continue;
        this.seen.set(doc._id, doc.at);
        if (doc.origin !== this.origin) this.emit({ kind: doc.kind as SecurityEventKind, keys: doc.keys });
        if (doc.at > this.cursor) this.cursor = doc.at;
      }
      for (const [id, at] of this.seen) if (at < since - EventsJournal.OVERLAP_MS) this.seen.delete(id);
      this.lastPollOk = true;
    } catch {
      // The database is away: callers fail closed on their own reads; caches keep their bounds.
      this.lastPollOk = false;
    } finally {
      this.polling = false;
    }
  }

  async prune(now = Date.now()): Promise<void> {
    await this.model.deleteMany({ at: { $lt: now - EventsJournal.KEEP_MS } }).exec();
  }

  private emit(event: SecurityEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
