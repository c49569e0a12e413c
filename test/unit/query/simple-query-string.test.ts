import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SecurityError } from "../../../lib/support/security-error.js";
import { parseSimpleQueryString } from "../../../lib/query/simple-query-string.js";

const term = (text: string, prefix = false) => ({ kind: "term", text, prefix });

describe("parseSimpleQueryString", () => {
  test("terms joined by the default operator", () => {
    assert.deepEqual(parseSimpleQueryString("a", "or"), term("a"));
    assert.deepEqual(parseSimpleQueryString("a b  c", "or"), { kind: "bool", operator: "or", children: [term("a"), term("b"), term("c")] });
    assert.deepEqual(parseSimpleQueryString("a b", "and"), { kind: "bool", operator: "and", children: [term("a"), term("b")] });
    assert.equal(parseSimpleQueryString("   ", "or"), undefined);
  });

  test("operators are left-associative like Lucene's", () => {
    assert.deepEqual(parseSimpleQueryString("a + b | c", "or"), {
      kind: "bool",
      operator: "or",
      children: [{ kind: "bool", operator: "and", children: [term("a"), term("b")] }, term("c")],
    });
    assert.deepEqual(parseSimpleQueryString("a | (b + c)", "and"), {
      kind: "bool",
      operator: "or",
      children: [term("a"), { kind: "bool", operator: "and", children: [term("b"), term("c")] }],
    });
  });

  test("negation, phrases, prefixes, escapes, fuzziness", () => {
    assert.deepEqual(parseSimpleQueryString("-a", "or"), { kind: "not", child: term("a") });
    assert.deepEqual(parseSimpleQueryString("--a", "or"), term("a"));
    assert.deepEqual(parseSimpleQueryString("user1-api-key", "or"), term("user1-api-key"));
    assert.deepEqual(parseSimpleQueryString('"my key"~2 app*', "or"), {
      kind: "bool",
      operator: "or",
      children: [term("my key"), term("app", true)],
    });
    assert.deepEqual(parseSimpleQueryString("a\\*b\\ c", "or"), term("a*b c"));
    assert.deepEqual(parseSimpleQueryString("a*b", "or"), term("a*b"));
    assert.deepEqual(parseSimpleQueryString("key~1", "or"), term("key"));
    assert.deepEqual(parseSimpleQueryString('"unterminated', "or"), term("unterminated"));
    assert.deepEqual(parseSimpleQueryString("a)", "or"), term("a"));
  });

  test("groups nest at most 30 deep, and deeper text is a 400, not a stack overflow", () => {
    assert.deepEqual(parseSimpleQueryString(`${"(".repeat(30)}a${")".repeat(30)}`, "or"), term("a"));
    for (const depth of [31, 20_000]) {
      assert.throws(
        () => parseSimpleQueryString(`${"(".repeat(depth)}a`, "or"),
        (e: unknown) =>
          e instanceof SecurityError &&
          e.status === 400 &&
          e.type === "illegal_argument_exception" &&
          /nests groups more than \[30\] deep/.test(e.reason),
      );
    }
  });

  test("more than 1,024 clauses is a 400 rather than a silently shortened query", () => {
    assert.equal(
      (parseSimpleQueryString(Array.from({ length: 1024 }, (_, i) => `t${i}`).join(" "), "or") as unknown as { children: unknown[] })
        .children.length,
      1024,
    );
    assert.throws(
      () => parseSimpleQueryString(Array.from({ length: 1025 }, (_, i) => `t${i}`).join(" "), "or"),
      (e: unknown) => e instanceof SecurityError && e.status === 400 && /too many clauses; the maximum is \[1024\]/.test(e.reason),
    );
  });
});
