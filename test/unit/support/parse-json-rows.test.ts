import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { importedHashProblem } from "../../../lib/services/api-keys/imported-hash-problem.js";
import { parseJsonRows } from "../../../lib/support/parse-json-rows.js";

describe("parseJsonRows", () => {
  it("gives each element of a JSON array the line where it starts", () => {
    const text = '\uFEFF\n[\n  {"a": 1,\n   "b": "x,]}"},\n\n  {"c": [1, {"d": 2}]}, 3, "s",\n  null\n]\n';
    const parsed = parseJsonRows(text);
    assert.equal(parsed.format, "json-array");
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.rows, [
      { value: { a: 1, b: "x,]}" }, line: 3 },
      { value: { c: [1, { d: 2 }] }, line: 6 },
      { value: 3, line: 6 },
      { value: "s", line: 6 },
      { value: null, line: 7 },
    ]);
    assert.deepEqual(parseJsonRows("[]").rows, []);
  });

  it("reads NDJSON line by line, skipping blank lines (CRLF too)", () => {
    const parsed = parseJsonRows('{"a":1}\r\n\r\n{"b":2}\n   \n{"c":3}');
    assert.equal(parsed.format, "ndjson");
    assert.deepEqual(
      parsed.rows.map((r) => r.line),
      [1, 3, 5],
    );
  });

  it("reports bad JSON at its line, without quoting the input", () => {
    const nd = parseJsonRows('{"a":1}\n{"secret": "hunter2" oops}\n{"b":2}');
    assert.deepEqual(
      nd.rows.map((r) => r.line),
      [1, 3],
    );
    assert.equal(nd.problems.length, 1);
    assert.equal(nd.problems[0]?.line, 2);
    assert.doesNotMatch(nd.problems[0]?.reason ?? "", /hunter2/);

    const array = parseJsonRows('[\n {"a":1},\n {"secret": "hunter2"\n  "x": 1},\n {"b":2},\n]');
    assert.deepEqual(
      array.rows.map((r) => r.line),
      [2, 5],
    );
    assert.deepEqual(
      array.problems.map((p) => p.line),
      [4, 6],
    );
    assert.match(array.problems[1]?.reason ?? "", /trailing comma/);
    assert.ok(!JSON.stringify(array.problems).includes("hunter2"));

    assert.deepEqual(
      parseJsonRows('[{"a":1}').problems.map((p) => p.reason),
      ["invalid JSON: the array is not closed with ]"],
    );
    assert.deepEqual(
      parseJsonRows('[{"a":1} {"b":2}]').problems.map((p) => p.reason),
      ["invalid JSON: missing , between rows"],
    );
    assert.deepEqual(
      parseJsonRows('[{"a":1}]\nx').problems.map((p) => p.line),
      [2],
    );
  });
});

describe("importedHashProblem", () => {
  it("accepts the formats the verifier accepts and refuses malformed ones without quoting them", () => {
    const salt8 = Buffer.alloc(8, 1).toString("base64");
    const digest = Buffer.alloc(32, 2).toString("base64");
    const salt32 = Buffer.alloc(32, 3).toString("base64");
    const bcrypt = "$2a$10$" + "a".repeat(53);
    for (const ok of [
      `{SSHA256}${salt8}${digest}`,
      `{PBKDF2}10000$${salt32}$${digest}`,
      `{PBKDF2_STRETCH}1000$${salt32}$${digest}`,
      bcrypt,
      `{BCRYPT}${bcrypt}`,
      "$2y$04$" + "b".repeat(53),
    ]) {
      assert.equal(importedHashProblem(ok), undefined, ok);
    }
    for (const bad of [
      `{SSHA256}${salt8}`,
      `{PBKDF2}0$${salt32}$${digest}`,
      `{PBKDF2}10000$${salt8.slice(0, 4)}$${digest}`,
      `{PBKDF2}10000$${salt32}$AAAA`,
      "$2a$10$short",
      "plain-secret",
      "{SHA1}abc",
      "x".repeat(2000),
    ]) {
      const problem = importedHashProblem(bad);
      assert.ok(problem, bad);
      assert.ok(!problem.includes(bad), "the hash is not quoted");
    }
  });
});
