import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isRestrictedIndex, mayMatchRestrictedIndex } from "../../../lib/authz/restricted-indices.js";

describe("restricted indices", () => {
  it("recognizes the security indices", () => {
    assert.equal(isRestrictedIndex(".security"), true);
    assert.equal(isRestrictedIndex(".security-7"), true);
    assert.equal(isRestrictedIndex(".security-*"), false);
    assert.equal(isRestrictedIndex("security"), false);
    assert.equal(mayMatchRestrictedIndex("*"), true);
    assert.equal(mayMatchRestrictedIndex(".sec*"), true);
    assert.equal(mayMatchRestrictedIndex("logs-*"), false);
  });
});
