import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { byteSize } from "../../../lib/support/byte-size.js";

describe("byteSize: body-parser limits in bytes", () => {
  it("reads numbers and 1024-based units, as Express's parsers do", () => {
    assert.equal(byteSize(2048), 2048);
    assert.equal(byteSize("100kb"), 102_400);
    assert.equal(byteSize("1mb"), 1_048_576);
    assert.equal(byteSize("1.5MB"), 1_572_864);
    assert.equal(byteSize(" 10 b "), 10);
    assert.equal(byteSize("42"), 42);
  });

  it("is undefined for anything that is not a size", () => {
    assert.equal(byteSize("lots"), undefined);
    assert.equal(byteSize("-1kb"), undefined);
    assert.equal(byteSize(Number.NaN), undefined);
    assert.equal(byteSize(-5), undefined);
  });
});
