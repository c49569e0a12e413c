import { Worker } from "node:worker_threads";
import type { HashReply, HashTask } from "./password-hash-worker.js";
import { isPbkdf2Hash, PBKDF2_LIMIT, PBKDF2_PREFIX, PBKDF2_STRETCH_PREFIX, verifyPbkdf2 } from "./pbkdf2-hash.js";
import { SecurityError } from "./security-error.js";

export interface PasswordHasherOptions {
  /** bcrypt cost factor for new hashes. */
  cost: number;
  /** Worker threads running bcrypt. */
  workers: number;
  /** Hash jobs allowed to wait; beyond that a request is refused (429) rather than queued forever. */
  maxQueue: number;
}

interface Pending {
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

interface Job {
  task: HashTask;
  pending: Pending;
}

const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** True when `value` is a bcrypt hash this library can verify. */
export function isBcryptHash(value: string): boolean {
  return BCRYPT_HASH.test(value);
}

/**
 * The password hash algorithms a user's `password_hash` may be given in, named as Elasticsearch's
 * `Hasher.getAvailableAlgoStoredPasswordHash()` names them (its error message lists them so):
 * bcrypt at any cost, PBKDF2 and PBKDF2_STRETCH at any iteration count. Each is verified here
 * whatever the algorithm new passwords are hashed with.
 */
export const SUPPORTED_PASSWORD_HASH_ALGORITHMS: readonly string[] = Object.freeze([
  "bcrypt",
  ...Array.from({ length: 11 }, (_, i) => `bcrypt${i + 4}`),
  ...["pbkdf2", "pbkdf2_stretch"].flatMap((name) => [name, ...[1000, 10000, 50000, 100000, 500000, 1000000].map((n) => `${name}_${n}`)]),
]);

/**
 * True when `value` is a stored password hash this library can verify: bcrypt (`$2a$`, `$2b$`,
 * `$2y$`), `{PBKDF2}` or `{PBKDF2_STRETCH}` in Elasticsearch's layout.
 */
export function isSupportedPasswordHash(value: string): boolean {
  return isBcryptHash(value) || isPbkdf2Hash(value);
}

/**
 * bcrypt hashing and verification on a small pool of worker threads, with a bounded queue.
 * The event loop never runs a slow hash, so a burst of bad passwords cannot delay other requests.
 */
export class PasswordHasher {
  private readonly options: PasswordHasherOptions;
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly inFlight = new Map<number, { worker: Worker; pending: Pending }>();
  private nextId = 1;
  private closed = false;

  constructor(options: PasswordHasherOptions) {
    this.options = options;
  }

  hash(password: string): Promise<string> {
    return this.run({ id: 0, op: "hash", password, cost: this.options.cost }) as Promise<string>;
  }

  /**
   * Whether `password` matches `hash`: bcrypt on the worker threads, `{PBKDF2}` and
   * `{PBKDF2_STRETCH}` in libuv's thread pool under the process-wide PBKDF2 limit (both compare in
   * constant time); false for any other or malformed hash.
   */
  async verify(password: string, hash: string): Promise<boolean> {
    if (hash.startsWith(PBKDF2_PREFIX) || hash.startsWith(PBKDF2_STRETCH_PREFIX)) {
      return PBKDF2_LIMIT.run(() => verifyPbkdf2(password, hash));
    }
    if (!isBcryptHash(hash)) return false;
    return (await this.run({ id: 0, op: "compare", password, hash })) as boolean;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.pending.reject(new Error("password hasher closed"));
    await Promise.all(this.all.map((w) => w.terminate()));
    this.all.length = 0;
    this.idle.length = 0;
  }

  private run(task: HashTask): Promise<string | boolean> {
    if (this.closed) return Promise.reject(new Error("password hasher closed"));
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new SecurityError(429, "es_rejected_execution_exception", "server is too busy to respond", { headers: { "Retry-After": "1" } }),
      );
    }
    return new Promise((resolve, reject) => {
      task.id = this.nextId++;
      this.queue.push({ task, pending: { resolve, reject } });
      this.drain();
    });
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? this.spawn();
      if (!worker) return;
      const job = this.queue.shift() as Job;
      this.inFlight.set(job.task.id, { worker, pending: job.pending });
      worker.postMessage(job.task);
    }
  }

  private spawn(): Worker | undefined {
    if (this.all.length >= this.options.workers) return undefined;
    const worker = new Worker(new URL("./password-hash-worker.js", import.meta.url));
    // Idle workers must not keep the host process alive.
    worker.unref();
    worker.on("message", (reply: HashReply) => {
      const entry = this.inFlight.get(reply.id);
      if (!entry) return;
      this.inFlight.delete(reply.id);
      if (reply.ok) entry.pending.resolve(reply.value as string | boolean);
      else entry.pending.reject(new Error(reply.error ?? "hash failed"));
      this.idle.push(worker);
      this.drain();
    });
    worker.on("error", (error) => this.fail(worker, error));
    worker.on("exit", (code) => {
      if (!this.closed && code !== 0) this.fail(worker, new Error(`hash worker exited with code ${code}`));
    });
    this.all.push(worker);
    return worker;
  }

  private fail(worker: Worker, error: Error): void {
    for (const [id, entry] of this.inFlight) {
      if (entry.worker === worker) {
        this.inFlight.delete(id);
        entry.pending.reject(error);
      }
    }
    const remove = (list: Worker[]) => {
      const index = list.indexOf(worker);
      if (index >= 0) list.splice(index, 1);
    };
    remove(this.all);
    remove(this.idle);
    this.drain();
  }
}
