import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConcurrencyLimit } from "../../../lib/support/concurrency-limit.js";
import { SecurityError } from "../../../lib/support/security-error.js";

describe("ConcurrencyLimit", () => {
  it("runs at most `limit` tasks at once and every task eventually, in order", async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (i: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      order.push(i);
      return i * 10;
    };
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => limit.run(task(i))));
    assert.deepEqual(results, [0, 10, 20, 30, 40, 50]);
    assert.equal(peak, 2);
    assert.deepEqual(order.slice(0, 2).sort(), [0, 1]);
  });

  it("frees the slot when a task fails", async () => {
    const limit = new ConcurrencyLimit(1);
    await assert.rejects(
      limit.run(async () => Promise.reject(new Error("boom"))),
      /boom/,
    );
    assert.equal(await limit.run(async () => "next"), "next");
  });

  it("answers 429 beyond its queue instead of queueing without bound", async () => {
    const limit = new ConcurrencyLimit(1, 1);
    let release!: () => void;
    const first = limit.run(() => new Promise<void>((resolve) => (release = resolve)));
    const queued = limit.run(async () => "queued");
    await assert.rejects(
      limit.run(async () => "refused"),
      (error: unknown) => error instanceof SecurityError && error.status === 429,
    );
    release();
    await first;
    assert.equal(await queued, "queued");
  });

  it("refuses a limit below one", () => {
    assert.throws(() => new ConcurrencyLimit(0), TypeError);
  });
});
