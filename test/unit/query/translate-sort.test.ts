import assert from "node:assert/strict";
import { throwsSecurityError } from "../../support/throws-security-error.js";
import { describe, test } from "node:test";
import { buildSearchAfterFilter } from "../../../lib/query/search-after.js";
import { compareForSort, sortPartitions } from "../../../lib/query/sort-order.js";
import { sortValuesFor } from "../../../lib/query/sort-values.js";
import { mongoSortSpec, parseApiKeySort, type ApiKeySort } from "../../../lib/query/translate-sort.js";

function sortOf(raw: unknown): ApiKeySort {
  const sort = parseApiKeySort(raw);
  assert.ok(sort);
  return sort;
}

const rejects = throwsSecurityError;

describe("parseApiKeySort / mongoSortSpec", () => {
  test("every Elasticsearch form, with an _id tiebreak", () => {
    assert.equal(parseApiKeySort(undefined), undefined);
    assert.deepEqual(mongoSortSpec(undefined), { _id: 1 });
    assert.deepEqual(mongoSortSpec(sortOf("name")), { name: 1, _id: 1 });
    assert.deepEqual(mongoSortSpec(sortOf({ creation: "desc" })), { creation_time: -1, _id: 1 });
    assert.deepEqual(mongoSortSpec(sortOf([{ expiration: { order: "DESC" } }, "username", "_doc"])), {
      expiration_time: -1,
      "creator.principal": 1,
      _id: 1,
    });
    assert.deepEqual(mongoSortSpec(sortOf([{ _doc: { order: "desc" } }])), { _id: -1 });
    assert.deepEqual(mongoSortSpec(sortOf(["metadata.env", "realm", "type", "invalidated"])), {
      "metadata_flattened.env": 1,
      "creator.realm": 1,
      type: 1,
      invalidated: 1,
      _id: 1,
    });
    const [key] = sortOf([{ expiration: { order: "asc", missing: "_first", format: "date_time", unmapped_type: "long", mode: "min" } }]);
    assert.equal(key?.missing, "_first");
    assert.equal(key?.format?.pattern, "date_time");
  });

  test("errors", () => {
    rejects(() => parseApiKeySort("id"), "illegal_argument_exception", "Field [id] is not allowed for querying or aggregation");
    rejects(() => parseApiKeySort("_score"), "illegal_argument_exception", "Field [_score] is not allowed for querying or aggregation");
    rejects(() => parseApiKeySort("hash"), "illegal_argument_exception", "Field [hash] is not allowed for querying or aggregation");
    rejects(
      () => parseApiKeySort("metadata.*"),
      "illegal_argument_exception",
      "Field name pattern [metadata.*] is not allowed for querying or aggregation",
    );
    rejects(() => parseApiKeySort([{ name: "up" }]), "illegal_argument_exception", "Unknown SortOrder [up]");
    rejects(
      () => parseApiKeySort([{ name: { order: "asc", weird: 1 } }]),
      "x_content_parse_exception",
      "[field_sort] unknown field [weird]",
    );
    rejects(
      () => parseApiKeySort([{ name: { nested: { path: "x" } } }]),
      "illegal_argument_exception",
      "nested sorting is not currently supported in this context",
    );
    rejects(
      () => parseApiKeySort([{ name: { format: "date" } }]),
      "illegal_argument_exception",
      "Field [name] of type [keyword] does not support custom formats",
    );
    rejects(() => parseApiKeySort([{ name: "asc", username: "asc" }]), "parsing_exception", /expecting token of type \[END_OBJECT\]/);
    rejects(() => parseApiKeySort([42]), "illegal_argument_exception", "mal-formatted sort object");
    rejects(
      () => parseApiKeySort([{ name: { missing: "zzz" } }]),
      "illegal_argument_exception",
      /\[missing\] sort value \[zzz\] is not supported/,
    );
    rejects(
      () => parseApiKeySort(["metadata.a", "metadata.b", "metadata.c", "metadata.d", "metadata.e"]),
      "illegal_argument_exception",
      /at most \[4\] keys on fields that can be missing/,
    );
  });
});

describe("sortPartitions", () => {
  test("only where MongoDB would misplace missing values", () => {
    assert.deepEqual(sortPartitions(undefined), [{}]);
    assert.deepEqual(sortPartitions(sortOf(["creation", "username"])), [{}]);
    assert.deepEqual(sortPartitions(sortOf([{ expiration: "desc" }])), [{}]);
    assert.deepEqual(sortPartitions(sortOf([{ expiration: { order: "asc", missing: "_first" } }])), [{}]);
    assert.deepEqual(sortPartitions(sortOf(["expiration"])), [{ expiration_time: { $ne: null } }, { expiration_time: { $eq: null } }]);
    assert.deepEqual(sortPartitions(sortOf([{ type: "desc" }])), [{ type: { $ne: null } }, { type: { $eq: null } }]);
    assert.deepEqual(sortPartitions(sortOf(["metadata.env", "name"])), [
      { $and: [{ "metadata_flattened.env": { $type: ["string", "number", "bool"] } }, { name: { $ne: null } }] },
      { $and: [{ "metadata_flattened.env": { $type: ["string", "number", "bool"] } }, { name: { $eq: null } }] },
      { $and: [{ $nor: [{ "metadata_flattened.env": { $type: ["string", "number", "bool"] } }] }, { name: { $ne: null } }] },
      { $and: [{ $nor: [{ "metadata_flattened.env": { $type: ["string", "number", "bool"] } }] }, { name: { $eq: null } }] },
    ]);
  });
});

describe("buildSearchAfterFilter", () => {
  test("a keyset filter strictly after the values", () => {
    assert.deepEqual(buildSearchAfterFilter(sortOf([{ creation: "desc" }]), [1000]), { creation_time: { $lt: 1000 } });
    assert.deepEqual(buildSearchAfterFilter(sortOf(["username", "_doc"]), ["bob", "k7"]), {
      $or: [{ "creator.principal": { $gt: "bob" } }, { $and: [{ "creator.principal": { $eq: "bob" } }, { _id: { $gt: "k7" } }] }],
    });
    // missing last: documents without expiration come after any value
    assert.deepEqual(buildSearchAfterFilter(sortOf(["expiration", "username"]), ["1000", "bob"]), {
      $or: [
        { expiration_time: { $gt: 1000 } },
        { expiration_time: { $eq: null } },
        { $and: [{ expiration_time: { $eq: 1000 } }, { "creator.principal": { $gt: "bob" } }] },
      ],
    });
    // the Long.MAX_VALUE sentinel of a missing value
    assert.deepEqual(buildSearchAfterFilter(sortOf(["expiration", "username"]), [2 ** 63, "bob"]), {
      $and: [{ expiration_time: { $eq: null } }, { "creator.principal": { $gt: "bob" } }],
    });
    assert.deepEqual(buildSearchAfterFilter(sortOf([{ expiration: { format: "date_time" } }]), ["2024-01-01T00:00:00.000Z"]), {
      $or: [{ expiration_time: { $gt: Date.UTC(2024, 0, 1) } }, { expiration_time: { $eq: null } }],
    });
    // type: missing means rest
    assert.deepEqual(buildSearchAfterFilter(sortOf(["type"]), ["cross_cluster"]), {
      $or: [{ type: { $gt: "cross_cluster" } }, { type: { $eq: null } }],
    });
    assert.deepEqual(buildSearchAfterFilter(sortOf(["type", "_doc"]), ["rest", "k1"]), {
      $or: [{ type: { $gt: "rest" } }, { $and: [{ type: { $in: ["rest", null] } }, { _id: { $gt: "k1" } }] }],
    });
    assert.deepEqual(buildSearchAfterFilter(sortOf(["invalidated"]), [0]), { invalidated: { $gt: false } });
    assert.deepEqual(buildSearchAfterFilter(sortOf(["name"]), [null]), { _id: { $in: [] } });
  });

  test("errors", () => {
    rejects(
      () => buildSearchAfterFilter(sortOf(["name"]), ["a", "b"]),
      "illegal_argument_exception",
      "search_after has 2 value(s) but sort has 1.",
    );
    rejects(() => buildSearchAfterFilter(undefined, ["a"]), "illegal_argument_exception", "Sort must contain at least one field.");
    rejects(() => buildSearchAfterFilter(sortOf(["name"]), []), "illegal_argument_exception", "Values must contains at least one value.");
    rejects(
      () => buildSearchAfterFilter(sortOf(["creation"]), ["soon"]),
      "illegal_argument_exception",
      "Failed to parse search_after value for field [creation_time].",
    );
    rejects(
      () => buildSearchAfterFilter(sortOf(["invalidated"]), ["maybe"]),
      "illegal_argument_exception",
      "Failed to parse search_after value for field [api_key_invalidated].",
    );
    rejects(
      () => buildSearchAfterFilter(sortOf(["name"]), [{ $gt: "" }]),
      "parsing_exception",
      "Expected [VALUE_STRING] or [VALUE_NUMBER] or [VALUE_BOOLEAN] or [VALUE_NULL] but found [START_OBJECT] inside search_after.",
    );
  });
});

describe("sortValuesFor / compareForSort", () => {
  const docs = [
    { _id: "a", name: "x", creation_time: 5, expiration_time: null, invalidated: false, metadata_flattened: { n: 42 } },
    {
      _id: "b",
      name: "y",
      creation_time: 3,
      expiration_time: 7,
      invalidated: true,
      type: "cross_cluster",
      metadata_flattened: { n: ["b", 1] },
    },
    { _id: "c", creation_time: 3, expiration_time: 9, invalidated: false, metadata_flattened: {} },
  ];

  test("_sort values as Elasticsearch renders them", () => {
    const sort = sortOf(["expiration", { creation: { format: "epoch_second" } }, "invalidated", "name", "type", "metadata.n", "_doc"]);
    assert.deepEqual(sortValuesFor(docs[0] as never, sort), [2 ** 63, "0.005", 0, "x", "rest", "42", "a"]);
    assert.deepEqual(sortValuesFor(docs[1] as never, sort), [7, "0.003", 1, "y", "cross_cluster", "1", "b"]);
    assert.deepEqual(sortValuesFor(docs[2] as never, sort), [9, "0.003", 0, null, "rest", null, "c"]);
    assert.deepEqual(sortValuesFor(docs[0] as never, sortOf([{ expiration: "desc" }])), [-(2 ** 63)]);
    assert.deepEqual(sortValuesFor(docs[0] as never, sortOf([{ expiration: { format: "date_time" } }])), [
      "+292278994-08-17T07:12:55.807Z",
    ]);
  });

  test("in-memory order: missing last both ways, ties by _id", () => {
    const order = (raw: unknown): string[] => [...docs].sort(compareForSort(sortOf(raw))).map((d) => d._id);
    assert.deepEqual(order(["expiration"]), ["b", "c", "a"]);
    assert.deepEqual(order([{ expiration: "desc" }]), ["c", "b", "a"]);
    assert.deepEqual(order([{ expiration: { missing: "_first" } }]), ["a", "b", "c"]);
    assert.deepEqual(order(["creation"]), ["b", "c", "a"]);
    assert.deepEqual(order(["name"]), ["a", "b", "c"]);
    assert.deepEqual(order([{ name: "desc" }]), ["b", "a", "c"]);
    assert.deepEqual(order(["type"]), ["b", "a", "c"]);
  });
});
