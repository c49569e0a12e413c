import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { throwsSecurityError } from "../../support/throws-security-error.js";
import { minimumShouldMatch } from "../../../lib/query/translate-bool.js";
import { translateApiKeyQuery } from "../../../lib/query/translate-query.js";

const NOW = Date.UTC(2024, 5, 15, 12, 30, 0); // 2024-06-15T12:30:00Z
const t = (query: unknown): unknown => translateApiKeyQuery(query, NOW);

function rejects(query: unknown, type: string, reason: string | RegExp): void {
  throwsSecurityError(() => t(query), type, reason);
}

describe("translateApiKeyQuery: query types", () => {
  test("absent query and match_all match everything", () => {
    assert.deepEqual(t(undefined), {});
    assert.deepEqual(t(null), {});
    assert.deepEqual(t({ match_all: {} }), {});
    assert.deepEqual(t({ match_all: { boost: 1.2, _name: "all" } }), {});
  });

  test("term, short and long form, on every field kind", () => {
    assert.deepEqual(t({ term: { name: "k1" } }), { name: { $eq: "k1" } });
    assert.deepEqual(t({ term: { name: { value: "k1", boost: 2 } } }), { name: { $eq: "k1" } });
    assert.deepEqual(t({ term: { username: "alice" } }), { "creator.principal": { $eq: "alice" } });
    assert.deepEqual(t({ term: { realm_name: "native1" } }), { "creator.realm": { $eq: "native1" } });
    assert.deepEqual(t({ term: { realm: "native1" } }), { "creator.realm": { $eq: "native1" } });
    assert.deepEqual(t({ term: { invalidated: true } }), { invalidated: { $eq: true } });
    assert.deepEqual(t({ term: { invalidated: "false" } }), { invalidated: { $eq: false } });
    assert.deepEqual(t({ term: { creation: 1700000000000 } }), { creation_time: { $eq: 1700000000000 } });
    assert.deepEqual(t({ term: { name: 5 } }), { name: { $eq: "5" } });
  });

  test("term on a date string covers what the text leaves out (ES round-up)", () => {
    assert.deepEqual(t({ term: { expiration: "2024-01-01" } }), {
      expiration_time: { $gte: Date.UTC(2024, 0, 1), $lte: Date.UTC(2024, 0, 1, 23, 59, 59, 999) },
    });
    assert.deepEqual(t({ term: { creation: "2024-01-01T10:00:00.000Z" } }), { creation_time: { $eq: Date.UTC(2024, 0, 1, 10) } });
    assert.deepEqual(t({ term: { creation: "now/d" } }), {
      creation_time: { $gte: Date.UTC(2024, 5, 15), $lte: Date.UTC(2024, 5, 15, 23, 59, 59, 999) },
    });
  });

  test("type: a missing stored type means rest", () => {
    assert.deepEqual(t({ term: { type: "rest" } }), { type: { $in: ["rest", null] } });
    assert.deepEqual(t({ term: { type: "cross_cluster" } }), { type: { $eq: "cross_cluster" } });
    assert.deepEqual(t({ terms: { type: ["rest", "cross_cluster"] } }), { type: { $in: ["rest", null, "cross_cluster"] } });
    assert.deepEqual(t({ prefix: { type: "re" } }), { $or: [{ type: { $regex: "^re" } }, { type: { $eq: null } }] });
    assert.deepEqual(t({ wildcard: { type: "cross*" } }), { type: { $regex: "^cross" } });
    assert.deepEqual(t({ exists: { field: "type" } }), {});
  });

  test("term with case_insensitive becomes an anchored, escaped, case-insensitive regex", () => {
    assert.deepEqual(t({ term: { name: { value: "My.Key(1)", case_insensitive: true } } }), {
      name: { $regex: "^My\\.Key\\(1\\)$", $options: "i" },
    });
  });

  test("metadata paths: flattened keyword semantics", () => {
    assert.deepEqual(t({ term: { "metadata.env": "prod" } }), { "metadata_flattened.env": { $eq: "prod" } });
    assert.deepEqual(t({ term: { "metadata.tier": "5" } }), { "metadata_flattened.tier": { $in: ["5", 5] } });
    assert.deepEqual(t({ term: { "metadata.tier": 5 } }), { "metadata_flattened.tier": { $in: ["5", 5] } });
    assert.deepEqual(t({ term: { "metadata.flag": true } }), { "metadata_flattened.flag": { $in: ["true", true] } });
    assert.deepEqual(t({ term: { "metadata.v": "5.0" } }), { "metadata_flattened.v": { $eq: "5.0" } });
    assert.deepEqual(t({ term: { "metadata.a.b.c": "x" } }), { "metadata_flattened.a.b.c": { $eq: "x" } });
    assert.deepEqual(t({ term: { metadata: "prod" } }), { metadata_values: { $eq: "prod" } });
    assert.deepEqual(t({ exists: { field: "metadata.env" } }), { "metadata_flattened.env": { $type: ["string", "number", "bool"] } });
    assert.deepEqual(t({ exists: { field: "metadata" } }), { metadata_values: { $type: "string" } });
  });

  test("terms", () => {
    assert.deepEqual(t({ terms: { name: ["a", "b"] } }), { name: { $in: ["a", "b"] } });
    assert.deepEqual(t({ terms: { name: ["a"], boost: 1 } }), { name: { $eq: "a" } });
    assert.deepEqual(t({ terms: { name: [] } }), { _id: { $in: [] } });
    assert.deepEqual(t({ terms: { "metadata.n": ["1", "x"] } }), { "metadata_flattened.n": { $in: ["1", 1, "x"] } });
    assert.deepEqual(t({ terms: { invalidated: [true, "true"] } }), { invalidated: { $eq: true } });
    assert.deepEqual(t({ terms: { creation: [1, 2] } }), { $or: [{ creation_time: { $eq: 1 } }, { creation_time: { $eq: 2 } }] });
  });

  test("match acts like term on keywords", () => {
    assert.deepEqual(t({ match: { name: "my key" } }), { name: { $eq: "my key" } });
    assert.deepEqual(t({ match: { name: { query: "my key", operator: "and" } } }), { name: { $eq: "my key" } });
    assert.deepEqual(t({ match: { invalidated: { query: "maybe", lenient: true } } }), { _id: { $in: [] } });
  });

  test("ids", () => {
    assert.deepEqual(t({ ids: { values: ["a", "b", "a"] } }), { _id: { $in: ["a", "b"] } });
    assert.deepEqual(t({ ids: { values: [] } }), { _id: { $in: [] } });
  });

  test("prefix and wildcard", () => {
    assert.deepEqual(t({ prefix: { name: "app-" } }), { name: { $regex: "^app\\-" } });
    assert.deepEqual(t({ prefix: { name: { value: "App", case_insensitive: true } } }), { name: { $regex: "^App", $options: "i" } });
    assert.deepEqual(t({ wildcard: { name: "user*" } }), { name: { $regex: "^user" } });
    assert.deepEqual(t({ wildcard: { name: "*key" } }), { name: { $regex: "^[\\s\\S]*key$" } });
    assert.deepEqual(t({ wildcard: { name: { wildcard: "a?c*", case_insensitive: true } } }), {
      name: { $regex: "^a[\\s\\S]c", $options: "i" },
    });
    assert.deepEqual(t({ wildcard: { username: { value: "x.y+z$" } } }), { "creator.principal": { $regex: "^x\\.y\\+z\\$$" } });
    assert.deepEqual(t({ wildcard: { name: "a\\*b" } }), { name: { $regex: "^a\\*b$" } });
  });

  test("exists", () => {
    assert.deepEqual(t({ exists: { field: "expiration" } }), { expiration_time: { $ne: null } });
    assert.deepEqual(t({ exists: { field: "name" } }), { name: { $ne: null } });
  });

  test("range on dates, with ES rounding of upper and exclusive bounds", () => {
    assert.deepEqual(t({ range: { creation: { gte: "now-1d/d", lt: "now/d" } } }), {
      creation_time: { $gte: Date.UTC(2024, 5, 14), $lt: Date.UTC(2024, 5, 15) },
    });
    assert.deepEqual(t({ range: { creation: { gt: "now/d", lte: "now+1M/M" } } }), {
      creation_time: { $gt: Date.UTC(2024, 5, 15, 23, 59, 59, 999), $lte: Date.UTC(2024, 6, 31, 23, 59, 59, 999) },
    });
    assert.deepEqual(t({ range: { expiration: { gte: 1, lte: 2 } } }), { expiration_time: { $gte: 1, $lte: 2 } });
    assert.deepEqual(t({ range: { expiration: { gte: "15/06/2024", format: "dd/MM/yyyy" } } }), {
      expiration_time: { $gte: Date.UTC(2024, 5, 15) },
    });
    assert.deepEqual(t({ range: { creation: { gte: "2024-06-15T00:00:00", time_zone: "+02:00" } } }), {
      creation_time: { $gte: Date.UTC(2024, 5, 14, 22) },
    });
    assert.deepEqual(t({ range: { creation: { from: 5, to: 9, include_upper: false } } }), { creation_time: { $gte: 5, $lt: 9 } });
    assert.deepEqual(t({ range: { expiration: {} } }), { expiration_time: { $ne: null } });
  });

  test("range on keywords compares strings; type includes missing when rest is inside", () => {
    assert.deepEqual(t({ range: { name: { gte: "a", lt: "m" } } }), { name: { $gte: "a", $lt: "m" } });
    assert.deepEqual(t({ range: { type: { gte: "r" } } }), { $or: [{ type: { $gte: "r" } }, { type: { $eq: null } }] });
    assert.deepEqual(t({ range: { type: { lt: "r" } } }), { type: { $lt: "r" } });
  });

  test("bool: must, filter, should, must_not and minimum_should_match", () => {
    assert.deepEqual(
      t({
        bool: {
          must: [{ wildcard: { name: "app*" } }],
          filter: { term: { username: "alice" } },
          must_not: [{ term: { invalidated: true } }],
        },
      }),
      { $and: [{ name: { $regex: "^app" } }, { "creator.principal": { $eq: "alice" } }, { $nor: [{ invalidated: { $eq: true } }] }] },
    );
    // should alone: at least one
    assert.deepEqual(t({ bool: { should: [{ term: { name: "a" } }, { term: { name: "b" } }] } }), {
      $or: [{ name: { $eq: "a" } }, { name: { $eq: "b" } }],
    });
    // should beside must: optional (scoring only)
    assert.deepEqual(t({ bool: { must: { term: { name: "a" } }, should: { term: { name: "b" } } } }), { name: { $eq: "a" } });
    // explicit minimum_should_match with must
    assert.deepEqual(t({ bool: { must: { term: { name: "a" } }, should: [{ term: { username: "u" } }], minimum_should_match: 1 } }), {
      $and: [{ name: { $eq: "a" } }, { "creator.principal": { $eq: "u" } }],
    });
    // 2 of 3
    assert.deepEqual(
      t({
        bool: {
          should: [{ term: { name: "a" } }, { term: { username: "u" } }, { term: { invalidated: false } }],
          minimum_should_match: 2,
        },
      }),
      {
        $or: [
          { $and: [{ name: { $eq: "a" } }, { "creator.principal": { $eq: "u" } }] },
          { $and: [{ name: { $eq: "a" } }, { invalidated: { $eq: false } }] },
          { $and: [{ "creator.principal": { $eq: "u" } }, { invalidated: { $eq: false } }] },
        ],
      },
    );
    assert.deepEqual(t({ bool: {} }), {});
    assert.deepEqual(t({ bool: { must_not: { match_all: {} } } }), { _id: { $in: [] } });
    assert.deepEqual(t({ bool: { should: [{ term: { name: "a" } }], minimum_should_match: 2 } }), { _id: { $in: [] } });
  });

  test("minimum_should_match specs", () => {
    assert.equal(minimumShouldMatch(4, 2), 2);
    assert.equal(minimumShouldMatch(4, "-1"), 3);
    assert.equal(minimumShouldMatch(4, "75%"), 3);
    assert.equal(minimumShouldMatch(4, "-25%"), 3);
    assert.equal(minimumShouldMatch(3, "3<90%"), 3);
    assert.equal(minimumShouldMatch(10, "3<90%"), 9);
    assert.equal(minimumShouldMatch(4, "-10"), 0);
  });

  test("simple_query_string over all fields (lenient) and explicit fields", () => {
    const allFields = t({ simple_query_string: { query: "prod" } }) as { $or: unknown[] };
    assert.ok(Array.isArray(allFields.$or));
    // keywords match the term; dates and the boolean skip it (lenient); metadata searches all leaves
    assert.deepEqual(allFields, {
      $or: [
        { "creator.principal": { $eq: "prod" } },
        { "creator.realm": { $eq: "prod" } },
        { name: { $eq: "prod" } },
        { type: { $eq: "prod" } },
        { metadata_values: { $eq: "prod" } },
      ],
    });
    assert.deepEqual(t({ simple_query_string: { query: "app* -old", fields: ["name"], default_operator: "AND" } }), {
      $and: [{ name: { $regex: "^app" } }, { $nor: [{ name: { $eq: "old" } }] }],
    });
    assert.deepEqual(t({ simple_query_string: { query: "a | b + c", fields: ["name^2"] } }), {
      $and: [{ $or: [{ name: { $eq: "a" } }, { name: { $eq: "b" } }] }, { name: { $eq: "c" } }],
    });
    assert.deepEqual(t({ simple_query_string: { query: '"my key" other', fields: ["name", "user*"] } }), {
      $or: [
        { name: { $eq: "my key" } },
        { "creator.principal": { $eq: "my key" } },
        { name: { $eq: "other" } },
        { "creator.principal": { $eq: "other" } },
      ],
    });
    // only unknown fields: nothing matches
    assert.deepEqual(t({ simple_query_string: { query: "x", fields: ["hash", "role_descriptors"] } }), { _id: { $in: [] } });
    // not lenient with explicit date fields
    rejects({ simple_query_string: { query: "abc", fields: ["creation"] } }, "parse_exception", /failed to parse date field \[abc\]/);
    assert.deepEqual(t({ simple_query_string: { query: "abc", fields: ["creation"], lenient: true } }), { _id: { $in: [] } });
  });
});

describe("translateApiKeyQuery: errors are Elasticsearch's", () => {
  test("unsupported and unknown query types", () => {
    rejects(
      { match_phrase: { name: "x" } },
      "illegal_argument_exception",
      "Query type [match_phrase] is not currently supported in this context",
    );
    rejects(
      { query_string: { query: "x" } },
      "illegal_argument_exception",
      "Query type [query_string] is not currently supported in this context",
    );
    rejects(
      { bool: { must: { regexp: { name: "a.*" } } } },
      "illegal_argument_exception",
      "Query type [regexp] is not currently supported in this context",
    );
    rejects({ nope: {} }, "parsing_exception", "unknown query [nope]");
  });

  test("fields off the allow-list", () => {
    rejects({ term: { hash: "x" } }, "illegal_argument_exception", "Field [hash] is not allowed for querying or aggregation");
    rejects({ term: { id: "x" } }, "illegal_argument_exception", "Field [id] is not allowed for querying or aggregation");
    rejects({ term: { _id: "x" } }, "illegal_argument_exception", "Field [_id] is not allowed for querying or aggregation");
    rejects(
      { term: { role_descriptors: "x" } },
      "illegal_argument_exception",
      "Field [role_descriptors] is not allowed for querying or aggregation",
    );
    rejects(
      { term: { metadata_values: "x" } },
      "illegal_argument_exception",
      "Field [metadata_values] is not allowed for querying or aggregation",
    );
    rejects(
      { exists: { field: "metadata.x*" } },
      "illegal_argument_exception",
      "Field name pattern [metadata.x*] is not allowed for querying or aggregation",
    );
    rejects({ term: { "na*": "x" } }, "illegal_argument_exception", "Field name pattern [na*] is not allowed for querying or aggregation");
    rejects({ term: { "metadata.": "x" } }, "illegal_argument_exception", "Field [metadata.] is not allowed for querying or aggregation");
    rejects(
      { term: { "metadata..a": "x" } },
      "illegal_argument_exception",
      "Field [metadata..a] is not allowed for querying or aggregation",
    );
  });

  test("operator injection: objects where values belong are refused", () => {
    rejects({ term: { name: { $gt: "" } } }, "parsing_exception", "[term] query does not support [$gt]");
    rejects({ term: { name: { value: { $gt: "" } } } }, "parsing_exception", "[term] query does not support [value]");
    rejects({ match: { name: { query: { $ne: null } } } }, "parsing_exception", "[match] query does not support [query]");
    rejects({ terms: { name: [{ $gt: "" }] } }, "parsing_exception", "[terms] query does not support values of type [object]");
    rejects(
      { terms: { name: { $in: ["a"] } } },
      "illegal_argument_exception",
      "terms query with terms lookup is not currently supported in this context",
    );
    rejects(
      { range: { creation: { gte: { $where: "1" } } } },
      "parsing_exception",
      "[range] query does not support [gte] of type [object]",
    );
    rejects({ ids: { values: [{ $ne: 1 }] } }, "parsing_exception", "[ids] failed to parse field [values]");
    rejects({ wildcard: { name: { value: { $regex: ".*" } } } }, "parsing_exception", "[wildcard] query does not support [value]");
    rejects(
      { term: { "metadata.$where": "1" } },
      "illegal_argument_exception",
      "Field [metadata.$where] is not allowed for querying or aggregation",
    );
    rejects(
      { term: { "metadata.a.$gt": "1" } },
      "illegal_argument_exception",
      "Field [metadata.a.$gt] is not allowed for querying or aggregation",
    );
    rejects({ exists: { field: { $gt: "" } } }, "parsing_exception", "[exists] failed to parse field [field]");
    rejects({ $where: "sleep(1000)" }, "parsing_exception", "unknown query [$where]");
    rejects({ bool: { must: { $or: [] } } }, "parsing_exception", "unknown query [$or]");
    rejects(
      { simple_query_string: { query: "x", fields: [{ $gt: "" }] } },
      "parsing_exception",
      "[simple_query_string] failed to parse field [fields]",
    );
  });

  test("malformed clauses and options", () => {
    rejects({}, "parsing_exception", "query malformed, empty clause found");
    rejects(
      { term: { name: "a" }, match_all: {} },
      "parsing_exception",
      "[term] malformed query, expected [END_OBJECT] but found [FIELD_NAME]",
    );
    rejects({ term: "x" }, "parsing_exception", "[term] query malformed, no start_object after query name");
    rejects(
      { term: { name: "a", username: "b" } },
      "parsing_exception",
      "[term] query doesn't support multiple fields, found [name] and [username]",
    );
    rejects({ term: { name: null } }, "illegal_argument_exception", "value cannot be null");
    rejects({ term: { name: ["a"] } }, "parsing_exception", "[term] query does not support array of values");
    rejects({ bool: { must: "x" } }, "parsing_exception", "[_na] query malformed, must start with start_object");
    rejects({ bool: { boost: "high" } }, "parsing_exception", "[bool] query does not support [boost] of type [string]");
    rejects({ bool: { should: [], nope: 1 } }, "parsing_exception", "[bool] query does not support [nope]");
    rejects(
      { range: { creation: { gte: 1, relation: "within" } } },
      "illegal_argument_exception",
      "range query with relation is not currently supported in this context",
    );
    rejects({ exists: {} }, "parsing_exception", "[exists] must be provided with a [field]");
    rejects({ simple_query_string: { fields: ["name"] } }, "parsing_exception", "[simple_query_string] query text missing");
    rejects(
      { match: { name: { query: "a", operator: "xor" } } },
      "illegal_argument_exception",
      "operator needs to be either and, or, but not [xor]",
    );
  });

  test("type errors on dates and booleans", () => {
    rejects(
      { term: { creation: "yesterday" } },
      "parse_exception",
      "failed to parse date field [yesterday] with format [strict_date_optional_time||epoch_millis]",
    );
    rejects({ term: { invalidated: "yes" } }, "illegal_argument_exception", "Can't parse boolean value [yes], expected [true] or [false]");
    rejects(
      { prefix: { creation: "2024" } },
      "query_shard_exception",
      "Can only use prefix queries on keyword, text and wildcard fields - not on [creation_time] which is of type [date]",
    );
    rejects(
      { wildcard: { invalidated: "t*" } },
      "query_shard_exception",
      "Can only use wildcard queries on keyword, text and wildcard fields - not on [api_key_invalidated] which is of type [boolean]",
    );
    rejects(
      { term: { creation: { value: 1, case_insensitive: true } } },
      "query_shard_exception",
      /does not support case insensitive term queries/,
    );
    rejects({ range: { creation: { gte: "now-1x" } } }, "parse_exception", "unit [x] not supported for date math [-1x]");
    rejects(
      { range: { creation: { gte: "x", format: "qqq" } } },
      "illegal_argument_exception",
      "Invalid format: [qqq]: Unknown pattern letter: q",
    );
    rejects(
      { range: { creation: { gte: 1, time_zone: "Mars/Olympus" } } },
      "illegal_argument_exception",
      "Unknown time-zone ID: Mars/Olympus",
    );
  });

  test("guards: depth, clause count, pattern length, wildcard runs", () => {
    let deep: unknown = { match_all: {} };
    for (let i = 0; i < 40; i++) deep = { bool: { must: deep } };
    rejects(deep, "illegal_argument_exception", /maximum nested depth/);
    const many = { bool: { should: Array.from({ length: 5000 }, (_, i) => ({ term: { name: `k${i}` } })) } };
    rejects(many, "illegal_argument_exception", "Query contains too many nested clauses; maxClauseCount is set to 4096");
    rejects({ wildcard: { name: "a".repeat(1001) } }, "illegal_argument_exception", /pattern is too long: \[1001\]/);
    rejects({ wildcard: { name: "*a".repeat(17) } }, "illegal_argument_exception", /too many wildcards/);
    rejects(
      { bool: { should: Array.from({ length: 30 }, (_, i) => ({ term: { name: `k${i}` } })), minimum_should_match: 15 } },
      "illegal_argument_exception",
      /too expensive to translate/,
    );
  });
});
