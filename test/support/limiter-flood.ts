// Run by test/unit/http/failure-limiter.test.ts in a child process started with --expose-gc: a
// plain process (no test runner's promise tracking) whose heap holds nothing but the limiter.
// Prints one JSON line: the heap growth after each quarter of the flood.
import type { Request } from "express";
import type { Model } from "mongoose";
import { FailureLimiter, DEFAULT_MAX_TRACKED_KEYS } from "../../lib/http/failure-limiter.js";
import { MongoRateLimitStore } from "../../lib/store/mongo-rate-limit-store.js";
import type { CounterDoc } from "../../lib/store/store-documents.js";
import { authenticationError, isSecurityError } from "../../lib/support/security-error.js";

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const LIMITS = { limit: 10, windowMs: 15 * 60_000, addressLimit: 200, addressWindowMs: 15 * 60_000 };
// Requests without a response object are counted on this instance only: the stores are never reached.
const model = {} as Model<CounterDoc>;
const limiter = new FailureLimiter(
  { pairs: new MongoRateLimitStore(model, "authc:pair:"), addresses: new MongoRateLimitStore(model, "authc:address:") },
  LIMITS,
  0,
);
const req = { ip: "203.0.113.7", socket: {}, headers: {} } as unknown as Request;
const claim = (principal: string) => ({ principals: [principal], reserve: true, blame: () => 0 });
const wrong = async (): Promise<never> => {
  throw authenticationError("unable to authenticate");
};
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

async function status(principal: string): Promise<number> {
  try {
    await limiter.guard(req, claim(principal), wrong);
    return 200;
  } catch (error) {
    return isSecurityError(error) ? error.status : 500;
  }
}

const statuses: Record<number, number> = {};
for (let i = 0; i < LIMITS.addressLimit + 1; i++) {
  const s = await status(`user:warm-${i}`);
  statuses[s] = (statuses[s] ?? 0) + 1;
}
gc();
const start = process.memoryUsage().heapUsed;
const growth: number[] = [];
for (let i = 0; i < TOTAL; i++) {
  const s = await status(`user:made-up-${i}-${"x".repeat(40)}`);
  statuses[s] = (statuses[s] ?? 0) + 1;
  if ((i + 1) % (TOTAL / 4) === 0) {
    gc();
    growth.push(process.memoryUsage().heapUsed - start);
  }
}
process.stdout.write(`${JSON.stringify({ growth, statuses, bound: DEFAULT_MAX_TRACKED_KEYS })}\n`);
