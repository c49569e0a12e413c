import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  booleanValue,
  flattenedCandidates,
  keywordValue,
  resolveApiKeyField,
  resolveApiKeyFieldPattern,
} from "../../../lib/query/api-key-fields.js";

describe("resolveApiKeyField", () => {
  test("the allow-list and its stored paths", () => {
    const paths = Object.fromEntries(
      [
        "name",
        "type",
        "creation",
        "expiration",
        "invalidated",
        "invalidation",
        "username",
        "realm_name",
        "realm",
        "metadata",
        "metadata.a.b",
      ].map((name) => [name, resolveApiKeyField(name).path]),
    );
    assert.deepEqual(paths, {
      name: "name",
      type: "type",
      creation: "creation_time",
      expiration: "expiration_time",
      invalidated: "invalidated",
      invalidation: "invalidation_time",
      username: "creator.principal",
      realm_name: "creator.realm",
      realm: "creator.realm",
      metadata: "metadata_values",
      "metadata.a.b": "metadata_flattened.a.b",
    });
    assert.equal(resolveApiKeyField("type").missingAs, "rest");
    assert.equal(resolveApiKeyField("creation").kind, "date");
    assert.equal(resolveApiKeyField("invalidated").kind, "boolean");
    assert.equal(resolveApiKeyField("metadata.x").flattened, "path");
  });

  test("refusals", () => {
    for (const name of [
      "id",
      "_id",
      "hash",
      "doc_type",
      "creator",
      "creator.principal",
      "metadata_values",
      "metadata.",
      "metadata.a..b",
      "metadata.$x",
      "metadata.a.$where",
      "metadata.a\u0000",
    ]) {
      assert.throws(() => resolveApiKeyField(name), { message: `Field [${name}] is not allowed for querying or aggregation` }, name);
    }
    assert.throws(() => resolveApiKeyField("meta*"), { message: "Field name pattern [meta*] is not allowed for querying or aggregation" });
    assert.throws(() => resolveApiKeyField({ $gt: "" }), /is not allowed for querying or aggregation/);
  });

  test("patterns (simple_query_string): allowed names only, never metadata sub-fields", () => {
    assert.deepEqual(
      resolveApiKeyFieldPattern("*").map((f) => f.name),
      ["username", "realm_name", "name", "type", "creation", "expiration", "invalidated", "invalidation", "metadata"],
    );
    assert.deepEqual(
      resolveApiKeyFieldPattern("*name").map((f) => f.name),
      ["username", "realm_name", "name"],
    );
    assert.deepEqual(
      resolveApiKeyFieldPattern("meta*").map((f) => f.path),
      ["metadata_values"],
    );
    assert.deepEqual(resolveApiKeyFieldPattern("hash"), []);
    assert.deepEqual(
      resolveApiKeyFieldPattern("metadata.k").map((f) => f.path),
      ["metadata_flattened.k"],
    );
  });
});

describe("value coercion", () => {
  test("keywords, booleans, flattened candidates", () => {
    assert.equal(keywordValue("x", "term"), "x");
    assert.equal(keywordValue(5, "term"), "5");
    assert.equal(keywordValue(false, "term"), "false");
    assert.throws(() => keywordValue({ $gt: "" }, "term"), /does not support a value of type \[object\]/);
    assert.throws(() => keywordValue(null, "term"), /type \[null\]/);
    assert.equal(booleanValue("true"), true);
    assert.equal(booleanValue(false), false);
    assert.throws(() => booleanValue("yes"), { message: "Can't parse boolean value [yes], expected [true] or [false]" });
    assert.deepEqual(flattenedCandidates("5"), ["5", 5]);
    assert.deepEqual(flattenedCandidates("-1.5"), ["-1.5", -1.5]);
    assert.deepEqual(flattenedCandidates("05"), ["05"]);
    assert.deepEqual(flattenedCandidates("1e3"), ["1e3"]);
    assert.deepEqual(flattenedCandidates("true"), ["true", true]);
    assert.deepEqual(flattenedCandidates("x"), ["x"]);
  });
});
