import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { creditBalance, creditsRequest, editableLimits, limitLines } from "../../../lib/admin-ui/key-limits-presentation.js";

const limits = {
  rate_limits: [
    { name: "default", limit: 100, window: "10s", auto_apply: true, used: 37, window_start: 1 },
    { name: "exports", limit: 5, window: "1m", auto_apply: false },
  ],
  credits: { remaining: 740, leased: 60, refill: { interval: "monthly", amount: 1000, refill_day: 1, last_refill: 2 } },
};

describe("admin UI: a key's limits", () => {
  it("shows each rate limit's use of its window and the whole credit balance", () => {
    assert.deepEqual(limitLines(limits), [
      "default: 37 / 100 per 10s",
      "exports: 0 / 5 per 1m (on request)",
      "credits: 800 left (60 held by instances), refilled to 1000 monthly",
    ]);
    assert.deepEqual(limitLines({ rate_limits: [], credits: { remaining: 3, leased: 0, refill: { interval: "12h", amount: 5 } } }), [
      "credits: 3 left, refilled to 5 every 12h",
    ]);
    assert.deepEqual(limitLines(undefined), []);
    assert.equal(creditBalance(limits), 800);
    assert.equal(creditBalance({ rate_limits: [] }), null);
  });

  it("prefills the edit dialog with the settings only, so saving them unchanged keeps the balance", () => {
    assert.deepEqual(JSON.parse(editableLimits(limits)), {
      rate_limits: [
        { name: "default", limit: 100, window: "10s", auto_apply: true },
        { name: "exports", limit: 5, window: "1m", auto_apply: false },
      ],
      credits: { refill: { interval: "monthly", amount: 1000, refill_day: 1 } },
    });
    assert.equal(editableLimits(undefined), "{}");
  });

  it("builds the _credits body: add at least 1, or set any whole balance", () => {
    assert.deepEqual(creditsRequest("add", " 250 "), { body: { add: 250 } });
    assert.deepEqual(creditsRequest("set", "0"), { body: { remaining: 0 } });
    assert.deepEqual(creditsRequest("add", "0"), { error: "Add at least 1 credit." });
    assert.deepEqual(creditsRequest("set", "-3"), { error: "Enter a whole number." });
    assert.deepEqual(creditsRequest("set", "1.5"), { error: "Enter a whole number." });
    assert.deepEqual(creditsRequest("add", "99999999999999999999"), { error: "That number is too large." });
  });
});
