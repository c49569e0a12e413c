import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { flattenMetadata } from "../../../../lib/services/api-keys/flatten-metadata.js";
import { throwsSecurityError } from "../../../support/throws-security-error.js";

describe("flattenMetadata (the queryable copy of API-key metadata)", () => {
  it("expands dotted keys into nested objects and leaves the rest as it is", () => {
    assert.deepEqual(flattenMetadata({ a: 1, "b.c": "x", d: { "e.f": [true] } }), { a: 1, b: { c: "x" }, d: { e: { f: [true] } } });
    assert.deepEqual(flattenMetadata({}), {});
  });

  it("merges both spellings of one path; a leaf meeting an object becomes an array holding both", () => {
    assert.deepEqual(flattenMetadata({ "a.b": 1, a: { c: 2 } }), { a: { b: 1, c: 2 } });
    assert.deepEqual(flattenMetadata({ "a.b": 1, a: { b: 2 } }), { a: { b: [1, 2] } });
    assert.deepEqual(flattenMetadata({ a: 1, "a.b": 2 }), { a: [1, { b: 2 }] });
    assert.deepEqual(flattenMetadata({ a: [{ b: 1 }], "a.b": 2 }), { a: [{ b: 1 }, { b: 2 }] });
    assert.deepEqual(flattenMetadata({ a: [[1, 2], [3]] }), { a: [1, 2, 3] });
  });

  it("drops keys that name no addressable path", () => {
    assert.deepEqual(flattenMetadata({ "": 1, "a..b": 2, ".c": 3, "d.": 4, e: 5 }), { e: 5 });
  });

  it("refuses unsafe segments and excessive depth", () => {
    throwsSecurityError(() => flattenMetadata({ "a.$gt": 1 }), "parse_exception", "[metadata] may not contain the key [a.$gt]");
    throwsSecurityError(
      () => flattenMetadata({ "a.__proto__.b": 1 }),
      "parse_exception",
      "[metadata] may not contain the key [a.__proto__.b]",
    );
    throwsSecurityError(
      () => flattenMetadata({ [Array.from({ length: 33 }, (_, i) => `k${i}`).join(".")]: 1 }),
      "parse_exception",
      "[metadata] is nested too deeply (more than 32 levels)",
    );
    assert.doesNotThrow(() => flattenMetadata({ [Array.from({ length: 32 }, (_, i) => `k${i}`).join(".")]: 1 }));
    assert.equal(Object.getPrototypeOf(flattenMetadata({ "x.y": 1 })), Object.prototype);
  });
});
