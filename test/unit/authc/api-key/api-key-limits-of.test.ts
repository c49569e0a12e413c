import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { limitsOf } from "../../../../lib/authc/api-key/api-key-limits-of.js";

describe("limitsOf", () => {
  it("is undefined for a key without stored limits, or with none usable", () => {
    assert.equal(limitsOf({ _id: "k" }), undefined);
    assert.equal(limitsOf({ limits: null }), undefined);
    assert.equal(limitsOf({ limits: { rate_limits: [] } }), undefined);
    assert.equal(limitsOf({ limits: { rate_limits: [{ name: "x", limit: -1, window_ms: 1000 }] } }), undefined);
  });

  it("reads rate limits and credits with their refill, frozen", () => {
    const limits = limitsOf({
      limits: {
        rate_limits: [
          { name: "default", limit: 100, window_ms: 10_000, auto_apply: true },
          { name: "exports", limit: 5, window_ms: 60_000, auto_apply: false },
          { name: "broken", limit: "5", window_ms: 60_000 },
        ],
        credits: { remaining: 7, leased: 3, refill: { interval: "monthly", amount: 1000, refill_day: 15, last_refill: 1 } },
      },
    });
    assert.deepEqual(limits, {
      rateLimits: [
        { name: "default", limit: 100, windowMs: 10_000, autoApply: true },
        { name: "exports", limit: 5, windowMs: 60_000, autoApply: false },
      ],
      credits: { refill: { interval: "monthly", amount: 1000, refillDay: 15 } },
    });
    assert.ok(Object.isFrozen(limits) && Object.isFrozen(limits?.rateLimits[0]));
    assert.deepEqual(limitsOf({ limits: { credits: { remaining: 0 } } }), { rateLimits: [], credits: {} });
    assert.deepEqual(limitsOf({ limits: { credits: { remaining: 5, refill: { interval: 3600000, amount: 5, refill_day: null } } } }), {
      rateLimits: [],
      credits: { refill: { interval: 3600000, amount: 5 } },
    });
  });
});
