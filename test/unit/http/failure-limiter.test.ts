import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Request } from "express";
import mongoose from "mongoose";
import { FailureLimiter } from "../../../lib/http/failure-limiter.js";
import { MongoRateLimitStore } from "../../../lib/store/mongo-rate-limit-store.js";
import type { CounterDoc } from "../../../lib/store/store-documents.js";
import { authenticationError, isSecurityError } from "../../../lib/support/security-error.js";

// The limiter's local tables on their own. Requests here have no response object, so failures are
// counted on this instance only (the shared MongoDB count is covered by the integration tests);
// the stores are built but never reached.

const LIMITS = { limit: 10, windowMs: 15 * 60_000, addressLimit: 200, addressWindowMs: 15 * 60_000 };

function stores(): { pairs: MongoRateLimitStore; addresses: MongoRateLimitStore } {
  const connection = mongoose.createConnection();
  const model = connection.model<CounterDoc>("Counter", new mongoose.Schema<CounterDoc>({ _id: String, hits: Number, reset_at: Number }));
  return { pairs: new MongoRateLimitStore(model, "authc:pair:"), addresses: new MongoRateLimitStore(model, "authc:address:") };
}

function requestFrom(ip: string): Request {
  return { ip, socket: {}, headers: {} } as unknown as Request;
}

const claim = (principal: string) => ({
  principals: [principal],
  reserve: true,
  blame: (error: unknown) => (isSecurityError(error) && error.status === 401 ? 0 : -1),
});
const wrong = async (): Promise<never> => {
  throw authenticationError("unable to authenticate");
};

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    assert.ok(isSecurityError(error), String(error));
    return error.status;
  }
}

const run = promisify(execFile);

describe("FailureLimiter local state", () => {
  it("1,000,000 made-up principals from one address keep the process within a fixed bound", async () => {
    // A separate process with --expose-gc, so the figures are the limiter's alone (see limiter-flood.ts).
    const script = fileURLToPath(new URL("../../support/limiter-flood.js", import.meta.url));
    const { stdout } = await run(process.execPath, ["--expose-gc", script, "1000000"], { maxBuffer: 1 << 20 });
    const { growth, statuses, bound } = JSON.parse(stdout) as { growth: number[]; statuses: Record<string, number>; bound: number };
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    process.stdout.write(
      `# heap growth after 250k/500k/750k/1M made-up principals from one address: ${growth.map(mb).join(" / ")} MB (tables bounded to ${bound} keys)\n`,
    );
    // 200 checks failed (the ceiling), then every made-up principal was refused.
    assert.deepEqual(statuses, { 401: 200, 429: 1_000_001 });
    const last = growth[3] as number;
    const first = growth[0] as number;
    assert.ok(last < 48 * 1024 * 1024, `heap grew by ${mb(last)} MB`);
    // The table is full long before 250,000 keys; from then on the heap must not follow the number of principals.
    assert.ok(last - first < 8 * 1024 * 1024, `heap grew by ${mb(last - first)} MB between 250k and 1M principals`);
  });

  it("over its ceiling an address cannot probe a password without limit: refusals count against the pair", async () => {
    const limiter = new FailureLimiter(stores(), LIMITS, 0);
    const req = requestFrom("198.51.100.9");
    for (let i = 0; i < LIMITS.addressLimit; i++) await status(limiter.guard(req, claim(`user:spray-${i}`), wrong));
    // A credential this instance verified is answered, whatever the address's failures…
    assert.equal(
      limiter.refusalOfVerified(req, () => "user:carol"),
      undefined,
    );
    // …but guesses of carol's password that miss the cache are refused and counted for (address, carol).
    for (let i = 0; i < LIMITS.limit; i++) assert.equal(await status(limiter.guard(req, claim("user:carol"), wrong)), 429);
    const refused = limiter.refusalOfVerified(req, () => "user:carol");
    assert.equal(refused?.status, 429, "past the limit even the cached right password is refused for this pair");
    assert.equal(
      limiter.refusalOfVerified(req, () => "user:dave"),
      undefined,
      "other verified principals of the address are answered",
    );
    assert.equal(
      limiter.refusalOfVerified(requestFrom("198.51.100.10"), () => "user:carol"),
      undefined,
      "carol from elsewhere is answered",
    );
  });
});
