import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withDeadline } from "../../../lib/support/with-deadline.js";

describe("withDeadline", () => {
  it("settles like the work when it finishes in time", async () => {
    assert.equal(await withDeadline(Promise.resolve(7), 1000, () => new Error("late")), 7);
    await assert.rejects(
      withDeadline(Promise.reject(new Error("own")), 1000, () => new Error("late")),
      /own/,
    );
  });

  it("rejects with the timeout error once the deadline passes, ignoring the late result", async () => {
    const started = Date.now();
    const never = new Promise<number>(() => undefined);
    await assert.rejects(
      withDeadline(never, 30, () => new Error("late")),
      /late/,
    );
    assert.ok(Date.now() - started < 500);
    const slow = new Promise<number>((resolve) => setTimeout(() => resolve(1), 80));
    await assert.rejects(
      withDeadline(slow, 10, () => new Error("late")),
      /late/,
    );
    await slow;
  });

  it("has no deadline at 0", async () => {
    const slow = new Promise<number>((resolve) => setTimeout(() => resolve(1), 20));
    assert.equal(await withDeadline(slow, 0, () => new Error("late")), 1);
  });
});
