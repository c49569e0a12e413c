import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nextRefillAt } from "../../../lib/support/next-refill-at.js";

describe("nextRefillAt", () => {
  it("a fixed interval: that long after the last refill", () => {
    assert.equal(nextRefillAt(60_000, 1_000_000), 1_060_000);
  });

  it("daily: the next midnight UTC", () => {
    assert.equal(nextRefillAt("daily", Date.UTC(2026, 2, 14, 23, 59)), Date.UTC(2026, 2, 15));
    assert.equal(nextRefillAt("daily", Date.UTC(2026, 2, 14)), Date.UTC(2026, 2, 15));
    assert.equal(nextRefillAt("daily", Date.UTC(2026, 11, 31, 12)), Date.UTC(2027, 0, 1));
  });

  it("monthly: the refill day at midnight UTC strictly after the last refill, clamped to the month's end", () => {
    assert.equal(nextRefillAt("monthly", Date.UTC(2026, 0, 10), 15), Date.UTC(2026, 0, 15));
    assert.equal(nextRefillAt("monthly", Date.UTC(2026, 0, 15), 15), Date.UTC(2026, 1, 15));
    assert.equal(nextRefillAt("monthly", Date.UTC(2026, 0, 31), 31), Date.UTC(2026, 1, 28));
    assert.equal(nextRefillAt("monthly", Date.UTC(2026, 1, 28), 31), Date.UTC(2026, 2, 31));
    assert.equal(nextRefillAt("monthly", Date.UTC(2026, 11, 2)), Date.UTC(2027, 0, 1));
  });
});
