import type { Request, Response } from "express";
import { ipKeyGenerator, rateLimit, type RateLimitRequestHandler } from "express-rate-limit";
import type { MongoRateLimitStore } from "../store/mongo-rate-limit-store.js";
import { tooManyRequestsError, type SecurityError } from "../support/security-error.js";

/**
 * Brute-force protection that costs nothing on the happy path: express-rate-limit (with a
 * MongoDB store shared by all instances) counts only failed authentications, and a local map of
 * clients over the limit refuses their next attempts before any credential is checked.
 */
export class FailureLimiter {
  private readonly limiter: RateLimitRequestHandler;
  private readonly blocked = new Map<string, number>();

  constructor(store: MongoRateLimitStore, limit: number, windowMs: number) {
    this.limiter = rateLimit({
      windowMs,
      limit,
      store,
      standardHeaders: false,
      legacyHeaders: false,
      keyGenerator: (req) => clientKey(req),
      // A store outage must not turn a wrong password into a 500; authentication already failed.
      passOnStoreError: true,
      handler: (req, _res, next) => {
        const until = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime?.getTime() ?? Date.now() + windowMs;
        this.blocked.set(clientKey(req), until);
        next(this.tooMany(until));
      },
    });
  }

  /** The 429 to send now, if this client is over the limit. */
  check(req: Request): SecurityError | undefined {
    // Every request passes here: with nobody blocked, skip resolving the client address
    // (`req.ip` walks the proxy chain; the key generator parses the address).
    if (this.blocked.size === 0) return undefined;
    const key = clientKey(req);
    const until = this.blocked.get(key);
    if (until === undefined) return undefined;
    if (until <= Date.now()) {
      this.blocked.delete(key);
      return undefined;
    }
    return this.tooMany(until);
  }

  /** Counts one failure; resolves to the 429 when this failure crossed the limit. */
  record(req: Request, res: Response): Promise<SecurityError | undefined> {
    return new Promise((resolve) => {
      void this.limiter(req, res, (error?: unknown) => {
        resolve(error && typeof error === "object" && "status" in error ? (error as SecurityError) : undefined);
      });
    });
  }

  private tooMany(until: number): SecurityError {
    const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
    return tooManyRequestsError("too many failed authentication attempts; retry later", seconds);
  }
}

function clientKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? "unknown");
}
