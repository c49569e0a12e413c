import { SecurityError } from "./security-error.js";

/**
 * Runs at most `limit` tasks at once; the rest wait in a bounded queue (beyond it: 429, as the
 * password hasher answers). For slow work that runs off the event loop but still competes for
 * the cores with it, such as PBKDF2 in libuv's thread pool: a burst of such work then leaves
 * CPU time to the requests the event loop serves meanwhile.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly limit: number,
    private readonly maxQueue = 1000,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`ConcurrencyLimit: limit must be a positive integer (got ${limit})`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.maxQueue) {
        throw new SecurityError(429, "es_rejected_execution_exception", "server is too busy to respond", {
          headers: { "Retry-After": "1" },
        });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter (it never decremented), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
