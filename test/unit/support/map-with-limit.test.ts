import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { mapWithLimit } from "../../../lib/support/map-with-limit.js";

describe("mapWithLimit", () => {
  it("keeps the items' order and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapWithLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await sleep(n * 3);
      running--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30, 0, 60]);
    assert.equal(peak, 3);
  });

  it("answers an empty list with an empty list, and rejects with the task's error", async () => {
    assert.deepEqual(await mapWithLimit([], 4, () => Promise.resolve(1)), []);
    await assert.rejects(
      mapWithLimit([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error("row 2");
        return n;
      }),
      /row 2/,
    );
  });
});
