import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchesCondition, parseAlertRequest } from "../../../demo-app/alerts/parse-alert-request.js";
import { throwsSecurityError } from "../../support/throws-security-error.js";

describe("parseAlertRequest", () => {
  it("parses name, interval and condition", () => {
    assert.deepEqual(parseAlertRequest({ name: "books", interval: "10s", condition: { item: "book", min_quantity: 2 } }, 1000), {
      name: "books",
      interval: "10s",
      intervalMs: 10_000,
      condition: { item: "book", min_quantity: 2 },
    });
    assert.deepEqual(parseAlertRequest({ name: "all", interval: "2h" }, 1000), {
      name: "all",
      interval: "2h",
      intervalMs: 7_200_000,
      condition: {},
    });
    assert.equal(parseAlertRequest({ name: "x", interval: "1s" }, 1000).intervalMs, 1000);
    assert.equal(parseAlertRequest({ name: "x", interval: "7d" }, 1000).intervalMs, 604_800_000);
  });

  it("keeps stored values for fields a PUT leaves out", () => {
    const current = parseAlertRequest({ name: "books", interval: "10s", condition: { item: "book" } }, 1000);
    assert.deepEqual(parseAlertRequest({}, 1000, current), current);
    assert.deepEqual(parseAlertRequest({ interval: "1m" }, 1000, current), { ...current, interval: "1m", intervalMs: 60_000 });
    assert.deepEqual(parseAlertRequest({ condition: {} }, 1000, current), { ...current, condition: {} });
  });

  it("refuses bad bodies with 400s naming the field", () => {
    const bad: Array<[unknown, RegExp]> = [
      [null, /expected a JSON object/],
      [[], /expected a JSON object/],
      [{ interval: "10s" }, /\[name\]/],
      [{ name: " ", interval: "10s" }, /\[name\]/],
      [{ name: "x" }, /\[interval\]/],
      [{ name: "x", interval: 10 }, /\[interval\]/],
      [{ name: "x", interval: "500ms" }, /\[interval\]/],
      [{ name: "x", interval: "0s" }, /\[interval\]/],
      [{ name: "x", interval: "8d" }, /between 1s and 7d/],
      [{ name: "x", interval: "10s", condition: "book" }, /\[condition\]/],
      [{ name: "x", interval: "10s", condition: { $where: "1" } }, /unknown field \[condition\.\$where\]/],
      [{ name: "x", interval: "10s", condition: { item: { $ne: "" } } }, /\[condition\.item\]/],
      [{ name: "x", interval: "10s", condition: { min_quantity: 1.5 } }, /\[condition\.min_quantity\]/],
      [{ name: "x", interval: "10s", owner: "carol" }, /unknown field \[owner\]/],
    ];
    for (const [body, reason] of bad) throwsSecurityError(() => parseAlertRequest(body, 1000), "illegal_argument_exception", reason);
    throwsSecurityError(() => parseAlertRequest({ name: "x", interval: "5s" }, 10_000), "illegal_argument_exception", /between 10s and 7d/);
  });
});

describe("matchesCondition", () => {
  it("matches on item and minimum quantity", () => {
    assert.equal(matchesCondition({}, { item: "pen", quantity: 1 }), true);
    assert.equal(matchesCondition({ item: "book" }, { item: "book", quantity: 1 }), true);
    assert.equal(matchesCondition({ item: "book" }, { item: "pen", quantity: 1 }), false);
    assert.equal(matchesCondition({ min_quantity: 5 }, { item: "pen", quantity: 10 }), true);
    assert.equal(matchesCondition({ min_quantity: 5 }, { item: "pen", quantity: 4 }), false);
    assert.equal(matchesCondition({ min_quantity: 5 }, { item: "pen", quantity: "10" }), false);
  });
});
