import assert from "node:assert/strict";
import { describe, test } from "node:test";
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
    assert.deepEqual(parseSimpleQueryString('"my key"~2 app*', "or"), { kind: "bool", operator: "or", children: [term("my key"), term("app", true)] });
    assert.deepEqual(parseSimpleQueryString("a\\*b\\ c", "or"), term("a*b c"));
    assert.deepEqual(parseSimpleQueryString("a*b", "or"), term("a*b"));
    assert.deepEqual(parseSimpleQueryString("key~1", "or"), term("key"));
    assert.deepEqual(parseSimpleQueryString('"unterminated', "or"), term("unterminated"));
    assert.deepEqual(parseSimpleQueryString("a)", "or"), term("a"));
  });
});
