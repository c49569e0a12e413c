import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findUnsafeKey, isUnsafeKey } from "../../../lib/support/unsafe-key.js";

describe("unsafe keys", () => {
  it("flags $-keys and prototype keys", () => {
    assert.equal(isUnsafeKey("$where"), true);
    assert.equal(isUnsafeKey("__proto__"), true);
    assert.equal(isUnsafeKey("constructor"), true);
    assert.equal(isUnsafeKey("prototype"), true);
    assert.equal(isUnsafeKey("a$b"), false);
    assert.equal(isUnsafeKey("_reserved"), false);
  });

  it("finds them at any depth, including inside arrays and JSON-parsed __proto__", () => {
    assert.equal(findUnsafeKey({ a: 1, b: [{ c: { $gt: 1 } }] }), "$gt");
    assert.equal(findUnsafeKey(JSON.parse('{"metadata":{"__proto__":{"x":1}}}')), "__proto__");
    assert.equal(findUnsafeKey({ a: ["$not-a-key"], b: "x" }), undefined);
    assert.equal(findUnsafeKey(null), undefined);
  });

  it("does not overflow the stack on deep nesting", () => {
    let deep: unknown = { $x: 1 };
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(findUnsafeKey(deep), "$x");
  });
});
