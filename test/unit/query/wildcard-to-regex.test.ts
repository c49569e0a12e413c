import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { escapeRegex } from "../../../lib/support/escape-regex.js";
import { prefixToRegex, wildcardMatches, wildcardToRegex } from "../../../lib/query/wildcard-to-regex.js";

/** A reference glob matcher (dynamic programming, no regex). */
function globMatches(pattern: string, value: string): boolean {
  const p = [...pattern];
  const v = [...value];
  let row: boolean[] = new Array<boolean>(v.length + 1).fill(false);
  row[0] = true;
  for (const c of p) {
    const next = new Array<boolean>(v.length + 1).fill(false);
    if (c === "*") {
      let any = false;
      for (let j = 0; j <= v.length; j++) {
        any = any || (row[j] as boolean);
        next[j] = any;
      }
    } else {
      for (let j = 1; j <= v.length; j++) next[j] = (row[j - 1] as boolean) && (c === "?" || v[j - 1] === c);
    }
    row = next;
  }
  return row[v.length] as boolean;
}

/** JS has no atomic groups: emulate `(?>X)` with `(?=(X))\N` to check the PCRE dialect's meaning. */
function emulatePcre(source: string): RegExp {
  let group = 0;
  const emulated = source.replace(/\(\?>((?:\\.|[^()\\])*)\)/g, (_, inner: string) => {
    group++;
    return `(?=(${inner}))\\${group}`;
  });
  return new RegExp(emulated);
}

describe("wildcardToRegex", () => {
  test("translates and anchors", () => {
    assert.equal(wildcardToRegex("abc"), "^abc$");
    assert.equal(wildcardToRegex("ab*"), "^ab");
    assert.equal(wildcardToRegex("*ab"), "^[\\s\\S]*ab$");
    assert.equal(wildcardToRegex("a?c"), "^a[\\s\\S]c$");
    assert.equal(wildcardToRegex("*"), "^");
    assert.equal(wildcardToRegex(""), "^$");
    assert.equal(wildcardToRegex("a*b*c"), "^a[\\s\\S]*b[\\s\\S]*c$");
    assert.equal(wildcardToRegex("a*b*c", "wildcard", "pcre"), "^a(?>[\\s\\S]*?b)[\\s\\S]*c$");
    assert.equal(wildcardToRegex("*a*b*", "wildcard", "pcre"), "^(?>[\\s\\S]*?a)(?>[\\s\\S]*?b)");
  });

  test("collapses runs of stars", () => {
    assert.equal(wildcardToRegex("a**********b"), "^a[\\s\\S]*b$");
    assert.equal(wildcardToRegex(`a${"*".repeat(900)}`), "^a");
  });

  test("escapes every regex metacharacter; backslash escapes wildcards", () => {
    const nasty = "^$.|+()[]{}-/";
    assert.equal(wildcardToRegex(nasty), "^\\^\\$\\.\\|\\+\\(\\)\\[\\]\\{\\}\\-/$");
    assert.ok(new RegExp(wildcardToRegex(nasty)).test(nasty));
    assert.equal(wildcardToRegex("a\\*b\\?c\\\\"), "^a\\*b\\?c\\\\$");
    assert.equal(escapeRegex("(?i).*"), "\\(\\?i\\)\\.\\*");
    assert.equal(prefixToRegex("a.b*"), "^a\\.b\\*");
  });

  test("both dialects match exactly the glob (property)", () => {
    const alphabet = fc.constantFrom("a", "b", "*", "?");
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 8 }), fc.array(fc.constantFrom("a", "b"), { maxLength: 10 }), (p, v) => {
        const pattern = p.join("");
        const value = v.join("");
        const expected = globMatches(pattern, value);
        assert.equal(new RegExp(wildcardToRegex(pattern)).test(value), expected, `portable ${pattern} ~ ${value}`);
        assert.equal(emulatePcre(wildcardToRegex(pattern, "wildcard", "pcre")).test(value), expected, `pcre ${pattern} ~ ${value}`);
        assert.equal(wildcardMatches(pattern, value), expected, `in process ${pattern} ~ ${value}`);
      }),
      { numRuns: 3000 },
    );
  });

  test("a ReDoS-style pattern finishes fast", () => {
    const value = "a".repeat(20_000) + "c";
    const started = Date.now();
    // Collapsed stars: one unbounded run, linear.
    assert.equal(new RegExp(wildcardToRegex(`a${"*".repeat(500)}b`)).test(value), false);
    // Many separate stars: the PCRE dialect's atomic groups keep it linear.
    const many = "*a*a*a*a*a*a*a*a*b";
    assert.equal(emulatePcre(wildcardToRegex(many, "wildcard", "pcre")).test(value), false);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });

  test("runs of ? and * become one fixed part and at most one unbounded part", () => {
    assert.equal(wildcardToRegex("?*?*?*?*?*?*?*?*?"), "^[\\s\\S]{9}");
    assert.equal(wildcardToRegex("*?*?z"), "^[\\s\\S]{2}[\\s\\S]*z$");
    assert.equal(wildcardToRegex("a*?b?c*", "wildcard", "pcre"), "^a[\\s\\S](?>[\\s\\S]*?b[\\s\\S]c)");
    assert.doesNotThrow(() => wildcardToRegex("?*".repeat(400)), "one run, however long");
  });

  test("in process, a wildcard is matched without a regular expression, in at most pattern × value steps", () => {
    const value = "a".repeat(20_000);
    const started = performance.now();
    assert.equal(wildcardMatches(`${"*a".repeat(16)}*b`, value), false);
    assert.equal(wildcardMatches(`${"?*".repeat(400)}`, value), true);
    assert.equal(wildcardMatches("RE?T", "rest", true), true);
    assert.equal(wildcardMatches("re\\*t", "re*t"), true);
    const ms = performance.now() - started;
    assert.ok(ms < 100, `took ${ms.toFixed(1)} ms`);
  });

  test("guards: length and number of star runs", () => {
    assert.throws(() => wildcardToRegex("a".repeat(1001)), /pattern is too long: \[1001\] characters, the maximum is \[1000\]/);
    assert.throws(() => wildcardToRegex("*a".repeat(17)), /too many wildcards: \[17\] runs/);
    assert.doesNotThrow(() => wildcardToRegex("*a".repeat(16)));
  });
});
