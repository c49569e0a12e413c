import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  anyPatternCovers,
  anyPatternMatches,
  isPattern,
  matchesPattern,
  patternCovers,
  patternsIntersect,
} from "../../../lib/authz/pattern.js";

describe("matchesPattern", () => {
  it("matches * and ? as Elasticsearch wildcards", () => {
    assert.equal(matchesPattern("*", ""), true);
    assert.equal(matchesPattern("logs-*", "logs-2024"), true);
    assert.equal(matchesPattern("logs-*", "log-2024"), false);
    assert.equal(matchesPattern("index-?", "index-a"), true);
    assert.equal(matchesPattern("index-?", "index-ab"), false);
    assert.equal(matchesPattern("a*b*c", "aXXbYYc"), true);
    assert.equal(matchesPattern("a*b*c", "aXXbYY"), false);
    assert.equal(matchesPattern("cluster:admin/xpack/security/*", "cluster:admin/xpack/security/api_key/create"), true);
    assert.equal(matchesPattern("exact", "exact"), true);
    assert.equal(matchesPattern("exact", "exactly"), false);
  });

  it("takes the value literally", () => {
    assert.equal(matchesPattern("a?c", "a*c"), true);
    assert.equal(matchesPattern("abc", "a*c"), false);
  });

  it("agrees with a reference regex on random input", () => {
    const chars = fc.constantFrom("a", "b", "*", "?");
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 8 }), fc.string({ unit: fc.constantFrom("a", "b"), maxLength: 8 }), (p, v) => {
        const regex = new RegExp("^" + p.replace(/\*/g, ".*").replace(/\?/g, ".") + "$");
        assert.equal(matchesPattern(p, v), regex.test(v));
      }),
    );
  });

  it("stays fast on hostile patterns (no catastrophic backtracking)", () => {
    const pattern = "*a".repeat(2000) + "b";
    const value = "a".repeat(5000);
    const start = performance.now();
    assert.equal(matchesPattern(pattern, value), false);
    assert.ok(performance.now() - start < 2000);
  });

  it("anyPatternMatches", () => {
    assert.equal(anyPatternMatches(["x", "y*"], "yes"), true);
    assert.equal(anyPatternMatches([], "yes"), false);
  });
});

describe("patternCovers", () => {
  it("a requested * is only covered by a granted *", () => {
    assert.equal(patternCovers("index-a", "*"), false);
    assert.equal(patternCovers("*", "*"), true);
    assert.equal(patternCovers("index-*", "index-a*"), true);
    assert.equal(patternCovers("index-a*", "index-*"), false);
    assert.equal(patternCovers("index-a", "index-a"), true);
    assert.equal(patternCovers("index-?", "index-a"), true);
  });

  it("a requested ? is covered by a granted ? or *", () => {
    assert.equal(patternCovers("index-?", "index-?"), true);
    assert.equal(patternCovers("index-*", "index-?"), true);
    assert.equal(patternCovers("index-a", "index-?"), false);
    assert.equal(patternCovers("index-?", "index-*"), false);
  });

  it("handles several stars", () => {
    assert.equal(patternCovers("*-*", "logs-*"), true);
    assert.equal(patternCovers("*a*", "x*a*y"), true);
    assert.equal(patternCovers("a*", "b*"), false);
    assert.equal(patternCovers("data:read/*", "data:read/me"), true);
    assert.equal(patternCovers("data:read/*", "data:write/me"), false);
  });

  it("is sound: whenever it says covered, every instance of the requested pattern matches", () => {
    const chars = fc.constantFrom("a", "b", "*", "?");
    const fill = fc.array(fc.string({ unit: fc.constantFrom("a", "b"), maxLength: 3 }), { minLength: 10, maxLength: 10 });
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 6 }), fc.string({ unit: chars, maxLength: 6 }), fill, (g, r, fills) => {
        if (!patternCovers(g, r)) return;
        let k = 0;
        const instance = r.replace(/[*?]/g, (c) => {
          const f = fills[k++ % fills.length] ?? "";
          return c === "*" ? f : (f[0] ?? "a");
        });
        assert.equal(matchesPattern(g, instance), true, `${g} covers ${r} but not ${instance}`);
      }),
    );
  });

  it("anyPatternCovers", () => {
    assert.equal(anyPatternCovers(["index-a", "index-b"], "index-b"), true);
    assert.equal(anyPatternCovers(["index-a", "index-b"], "index-*"), false);
  });
});

describe("patternsIntersect / isPattern", () => {
  it("detects overlap", () => {
    assert.equal(patternsIntersect("cluster:admin/xpack/security/*", "cluster:monitor/*"), false);
    assert.equal(patternsIntersect("cluster:admin/xpack/security/*", "cluster:*"), true);
    assert.equal(patternsIntersect("a?c", "*c"), true);
    assert.equal(patternsIntersect("abc", "abd"), false);
    assert.equal(patternsIntersect(".security-*", "*"), true);
    assert.equal(patternsIntersect(".security-*", "logs-*"), false);
  });

  it("agrees with brute force on small alphabets", () => {
    const chars = fc.constantFrom("a", "b", "*", "?");
    const words: string[] = [""];
    for (let len = 1; len <= 5; len++) for (const w of words.filter((x) => x.length === len - 1)) words.push(w + "a", w + "b");
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 3 }), fc.string({ unit: chars, maxLength: 3 }), (a, b) => {
        const brute = words.some((w) => matchesPattern(a, w) && matchesPattern(b, w));
        if (brute) assert.equal(patternsIntersect(a, b), true);
      }),
    );
  });

  it("isPattern", () => {
    assert.equal(isPattern("a*"), true);
    assert.equal(isPattern("a?"), true);
    assert.equal(isPattern("abc"), false);
  });
});
