import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { crc32 } from "node:zlib";
import fc from "fast-check";
import { crc32Ascii } from "../../../lib/support/crc32.js";

describe("crc32Ascii", () => {
  it("is the standard CRC-32 (check value of 123456789, empty input)", () => {
    assert.equal(crc32Ascii("123456789"), 0xcbf43926);
    assert.equal(crc32Ascii(""), 0);
  });

  it("equals zlib.crc32 on ASCII text, also on a range of a longer string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii", maxLength: 80 }), fc.nat(), fc.nat(), (text, a, b) => {
        const start = text.length === 0 ? 0 : a % text.length;
        const end = start + (text.length === 0 ? 0 : b % (text.length - start + 1));
        return (
          crc32Ascii(text) === crc32(Buffer.from(text, "latin1")) &&
          crc32Ascii(text, start, end) === crc32(Buffer.from(text.slice(start, end), "latin1"))
        );
      }),
      { numRuns: 1000 },
    );
  });
});
