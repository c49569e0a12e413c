import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { conditionMatchesMissing, mentionsJoined, sortUsesJoined } from "../../../lib/query/joined-fields.js";
import { buildSearchAfterFilter, searchAfterPredicate } from "../../../lib/query/search-after.js";
import { compareForSort } from "../../../lib/query/sort-order.js";
import { parseApiKeySort, type ApiKeySort } from "../../../lib/query/translate-sort.js";
import { translateApiKeyQuery } from "../../../lib/query/translate-query.js";
import { throwsSecurityError } from "../../support/throws-security-error.js";

function sortOf(raw: unknown): ApiKeySort {
  const sort = parseApiKeySort(raw);
  assert.ok(sort);
  return sort;
}

const PATHS = new Set(["last_used"]);

describe("joined fields: which conditions hold for a key without a usage document", () => {
  test("ranges, equality with a value, presence and type tests do not; null equality and negations do", () => {
    for (const condition of [
      { $gte: 1 },
      { $gt: 1, $lt: 5 },
      { $eq: 5 },
      5,
      { $ne: null },
      { $in: [1, 2] },
      { $type: "number" },
      { $exists: true },
    ]) {
      assert.equal(conditionMatchesMissing(condition), false, JSON.stringify(condition));
    }
    for (const condition of [null, { $eq: null }, { $ne: 5 }, { $in: [1, null] }, { $nin: [1] }, { $exists: false }]) {
      assert.equal(conditionMatchesMissing(condition), true, JSON.stringify(condition));
    }
  });

  test("an operator the translators never emit is a programming error, not a guess", () => {
    assert.throws(() => conditionMatchesMissing({ $where: "1" }), TypeError);
  });

  test("what the query translator builds for last_used is a condition on the joined path", () => {
    const now = 1_700_000_000_000;
    const range = translateApiKeyQuery({ range: { last_used: { gte: 10, lt: 20 } } }, now);
    assert.deepEqual(range, { last_used: { $gte: 10, $lt: 20 } });
    assert.equal(mentionsJoined(range, PATHS), true);
    const nested = translateApiKeyQuery(
      { bool: { must_not: [{ exists: { field: "last_used" } }], filter: [{ term: { name: "x" } }] } },
      now,
    );
    assert.equal(mentionsJoined(nested, PATHS), true);
    assert.equal(mentionsJoined(translateApiKeyQuery({ term: { name: "x" } }, now), PATHS), false);
  });

  test("a sort naming last_used is done in memory, others by the server", () => {
    const joined = { paths: PATHS, idsMatching: async () => [], valuesFor: async () => new Map() };
    assert.equal(sortUsesJoined(sortOf([{ last_used: "desc" }]), joined), true);
    assert.equal(sortUsesJoined(sortOf(["name", { last_used: "asc" }]), joined), true);
    assert.equal(sortUsesJoined(sortOf(["name"]), joined), false);
    assert.equal(sortUsesJoined(sortOf([{ last_used: "desc" }]), undefined), false);
  });
});

describe("searchAfterPredicate (search_after for in-memory sorts)", () => {
  const docs = [
    { _id: "a", name: "n1", last_used: 30 },
    { _id: "b", name: "n2", last_used: 10 },
    { _id: "c", name: "n3" },
    { _id: "d", name: "n4", last_used: 30 },
    { _id: "e", name: "n5" },
  ];

  test("cuts the in-memory order strictly after the cursor, missing values where `missing` puts them", () => {
    for (const raw of [
      [{ last_used: "asc" }, "_doc"],
      [{ last_used: "desc" }, "_doc"],
      [{ last_used: { order: "desc", missing: "_first" } }, "_doc"],
      [{ last_used: { order: "asc", missing: "_first" } }, { name: "desc" }],
    ]) {
      const sort = sortOf(raw);
      const ordered = [...docs].sort(compareForSort(sort));
      for (let i = 0; i < ordered.length; i++) {
        const cursorDoc = ordered[i] as (typeof docs)[number];
        const cursor = sort.map((key) => {
          if (key.name === "_doc") return cursorDoc._id;
          if (key.name === "name") return cursorDoc.name;
          // What `_sort` renders for a missing date: Long.MAX_VALUE or MIN_VALUE, whichever sorts last.
          if (cursorDoc.last_used === undefined) return (key.order === "asc") === (key.missing === "_last") ? 2 ** 63 : -(2 ** 63);
          return cursorDoc.last_used;
        });
        const after = searchAfterPredicate(sort, cursor, 0);
        assert.deepEqual(
          ordered.filter(after).map((doc) => doc._id),
          ordered.slice(i + 1).map((doc) => doc._id),
          `${JSON.stringify(raw)} after ${JSON.stringify(cursor)}`,
        );
      }
    }
  });

  test("validates like buildSearchAfterFilter, with the same messages", () => {
    const sort = sortOf([{ last_used: "desc" }]);
    for (const [value, reason] of [
      [[1, 2], "search_after has 2 value(s) but sort has 1."],
      [[], "Values must contains at least one value."],
      [["yesterday-ish"], "Failed to parse search_after value for field [last_used]."],
    ] as const) {
      throwsSecurityError(() => buildSearchAfterFilter(sort, value, 0), "illegal_argument_exception", reason);
      throwsSecurityError(() => searchAfterPredicate(sort, value, 0), "illegal_argument_exception", reason);
    }
    throwsSecurityError(
      () => searchAfterPredicate(undefined, [1], 0),
      "illegal_argument_exception",
      "Sort must contain at least one field.",
    );
  });
});
