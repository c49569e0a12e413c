import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { throwsSecurityError } from "../../support/throws-security-error.js";
import { evaluateAggregations } from "../../../lib/query/evaluate-aggregations.js";
import { parseAggregations } from "../../../lib/query/parse-aggregations.js";
import { collectFilterQueries } from "../../../lib/query/run-aggregations.js";
import type { StoredDocument } from "../../../lib/query/document-values.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

const DOCS: StoredDocument[] = [
  {
    _id: "1",
    name: "a",
    type: "rest",
    creation_time: T0,
    expiration_time: T0 + DAY,
    invalidated: false,
    creator: { principal: "u1" },
    metadata_flattened: { env: "prod", n: 1 },
  },
  {
    _id: "2",
    name: "b",
    creation_time: T0 + DAY,
    expiration_time: null,
    invalidated: true,
    creator: { principal: "u1" },
    metadata_flattened: { env: ["prod", "dev"], n: "1" },
  },
  {
    _id: "3",
    name: "c",
    type: "cross_cluster",
    creation_time: T0 + 2 * DAY,
    expiration_time: T0 + 5 * DAY,
    invalidated: false,
    creator: { principal: "u2" },
    metadata_flattened: {},
  },
  {
    _id: "4",
    name: "c",
    creation_time: T0 + 3 * DAY,
    expiration_time: null,
    invalidated: false,
    creator: { principal: "u3" },
    metadata_flattened: { env: "dev" },
  },
];

function evaluate(aggs: unknown, options: { typedKeys?: boolean; matches?: Record<string, string[]> } = {}): Record<string, unknown> {
  const parsed = parseAggregations(aggs, T0 + 10 * DAY);
  const filterMatches = new Map<unknown, ReadonlySet<string>>();
  const queries = collectFilterQueries(parsed);
  for (const query of queries) filterMatches.set(query, new Set(options.matches?.[JSON.stringify(query)] ?? []));
  return evaluateAggregations(parsed, DOCS, { typedKeys: options.typedKeys ?? false, filterMatches });
}

function rejects(aggs: unknown, type: string, reason: string | RegExp): void {
  throwsSecurityError(() => parseAggregations(aggs), type, reason);
}

describe("parseAggregations: Elasticsearch's refusals", () => {
  test("types", () => {
    rejects({ g: { global: {} } }, "illegal_argument_exception", "Unsupported API Keys agg [g] of type [global]");
    rejects(
      { h: { date_histogram: { field: "creation", calendar_interval: "day" } } },
      "illegal_argument_exception",
      "Unsupported API Keys agg [h] of type [date_histogram]",
    );
    rejects(
      { t: { terms: { field: "name" }, aggs: { s: { bucket_sort: {} } } } },
      "illegal_argument_exception",
      "Unsupported aggregation of type [bucket_sort]",
    );
    rejects({ x: { frobnicate: {} } }, "parsing_exception", "Unknown aggregation type [frobnicate]");
    rejects({ t: { terms: { script: "doc['x']" } } }, "illegal_argument_exception", "Unsupported script value source for [t] agg");
    rejects(
      { c: { composite: { sources: [{ s: { terms: { script: "x" } } }] } } },
      "illegal_argument_exception",
      "Unsupported script value source for [s] of composite agg [c]",
    );
    rejects(
      { c: { composite: { sources: [{ s: { histogram: { field: "creation", interval: 5 } } }] } } },
      "illegal_argument_exception",
      "Unsupported value source type for [s] of composite agg [c].Only [terms] value sources are allowed.",
    );
    rejects(
      { t: { terms: { field: "name" }, aggs: { c: { composite: { sources: [{ s: { terms: { field: "name" } } }] } } } } },
      "illegal_argument_exception",
      "[composite] aggregation cannot be used with a parent aggregation of type: [terms]",
    );
  });

  test("fields and definitions", () => {
    rejects({ t: { terms: { field: "hash" } } }, "illegal_argument_exception", "Field [hash] is not allowed for querying or aggregation");
    rejects(
      { t: { terms: { field: "metadata.*" } } },
      "illegal_argument_exception",
      "Field name pattern [metadata.*] is not allowed for querying or aggregation",
    );
    rejects({ t: { terms: {} } }, "illegal_argument_exception", "Required one of fields [field, script], but none were specified.");
    rejects({ t: { terms: { field: "name", size: 0 } } }, "illegal_argument_exception", "[size] must be greater than 0. Found [0] in [t]");
    rejects({ t: { terms: { field: "name", bogus: 1 } } }, "x_content_parse_exception", "[terms] unknown field [bogus]");
    rejects(
      { t: { terms: { field: "name" }, range: { field: "creation" } } },
      "parsing_exception",
      "Found two aggregation type definitions in [t]: [terms] and [range]",
    );
    rejects({ t: { meta: {} } }, "parsing_exception", "Missing definition for aggregation [t]");
    rejects(
      { "a>b": { terms: { field: "name" } } },
      "parsing_exception",
      "Invalid aggregation name [a>b]. Aggregation names can contain any character except '[', ']', and '>'",
    );
    rejects(
      { c: { cardinality: { field: "name" }, aggs: { x: { missing: { field: "name" } } } } },
      "aggregation_initialization_exception",
      "Aggregator [c] of type [cardinality] cannot accept sub-aggregations",
    );
    rejects(
      { r: { range: { field: "name", ranges: [{ to: 1 }] } } },
      "illegal_argument_exception",
      "Field [name] of type [keyword] is not supported for aggregation [range]",
    );
    rejects({ r: { date_range: { field: "creation" } } }, "illegal_argument_exception", "No [ranges] specified for the [r] aggregation");
    rejects(
      { f: { filter: { match_phrase: { name: "x" } } } },
      "illegal_argument_exception",
      "Query type [match_phrase] is not currently supported in this context",
    );
    rejects(
      { f: { filters: { filters: [{ term: { hash: "x" } }] } } },
      "illegal_argument_exception",
      "Field [hash] is not allowed for querying or aggregation",
    );
    rejects(
      { t: { terms: { field: "name", order: { nope: "asc" } } } },
      "aggregation_initialization_exception",
      "Invalid aggregation order path [nope]. Unknown aggregation [nope]",
    );
    rejects(
      { c: { composite: { sources: [{ s: { terms: { field: "name" } } }], after: { s: { $gt: "" } } } } },
      "parsing_exception",
      /not supported/,
    );
  });
});

describe("evaluateAggregations", () => {
  test("terms: counts, default order, sum_other_doc_count, typed keys", () => {
    assert.deepEqual(evaluate({ names: { terms: { field: "name", size: 2 } } }, { typedKeys: true }), {
      "sterms#names": {
        doc_count_error_upper_bound: 0,
        sum_other_doc_count: 1,
        buckets: [
          { key: "c", doc_count: 2 },
          { key: "a", doc_count: 1 },
        ],
      },
    });
  });

  test("terms: order, min_doc_count, missing, include/exclude, flattened values, types", () => {
    assert.deepEqual(
      (evaluate({ t: { terms: { field: "name", order: { _key: "desc" }, min_doc_count: 2 } } }).t as { buckets: unknown }).buckets,
      [{ key: "c", doc_count: 2 }],
    );
    assert.deepEqual((evaluate({ t: { terms: { field: "metadata.env", missing: "none" } } }).t as { buckets: unknown }).buckets, [
      { key: "dev", doc_count: 2 },
      { key: "prod", doc_count: 2 },
      { key: "none", doc_count: 1 },
    ]);
    assert.deepEqual((evaluate({ t: { terms: { field: "metadata.n" } } }).t as { buckets: unknown }).buckets, [{ key: "1", doc_count: 2 }]);
    assert.deepEqual(
      (evaluate({ t: { terms: { field: "name", include: ["a", "b"], exclude: ["b"] } } }).t as { buckets: unknown }).buckets,
      [{ key: "a", doc_count: 1 }],
    );
    assert.deepEqual((evaluate({ t: { terms: { field: "type" } } }).t as { buckets: unknown }).buckets, [
      { key: "rest", doc_count: 3 },
      { key: "cross_cluster", doc_count: 1 },
    ]);
    assert.deepEqual(evaluate({ t: { terms: { field: "expiration", order: { _key: "asc" } } } }, { typedKeys: true }), {
      "lterms#t": {
        doc_count_error_upper_bound: 0,
        sum_other_doc_count: 0,
        buckets: [
          { key: T0 + DAY, key_as_string: "2024-01-02T00:00:00.000Z", doc_count: 1 },
          { key: T0 + 5 * DAY, key_as_string: "2024-01-06T00:00:00.000Z", doc_count: 1 },
        ],
      },
    });
    const bySub = evaluate({
      t: { terms: { field: "username", order: { names: "asc" } }, aggs: { names: { cardinality: { field: "name" } } } },
    });
    assert.deepEqual((bySub.t as { buckets: unknown }).buckets, [
      { key: "u2", doc_count: 1, names: { value: 1 } },
      { key: "u3", doc_count: 1, names: { value: 1 } },
      { key: "u1", doc_count: 2, names: { value: 2 } },
    ]);
  });

  test("range and date_range, keyed, with formats", () => {
    assert.deepEqual(
      evaluate({
        r: {
          date_range: {
            field: "expiration",
            format: "yyyy-MM-dd",
            keyed: true,
            ranges: [{ from: "2024-01-03" }, { to: "2024-01-03", key: "early" }],
          },
        },
      }),
      {
        r: {
          buckets: {
            early: { to: Date.UTC(2024, 0, 3), to_as_string: "2024-01-03", doc_count: 1 },
            "2024-01-03-*": { from: Date.UTC(2024, 0, 3), from_as_string: "2024-01-03", doc_count: 1 },
          },
        },
      },
    );
    assert.deepEqual(
      evaluate({ r: { range: { field: "creation", ranges: [{ from: T0 + DAY, to: T0 + 3 * DAY }] } } }, { typedKeys: true }),
      {
        "range#r": {
          buckets: [
            {
              key: "2024-01-02T00:00:00.000Z-2024-01-04T00:00:00.000Z",
              from: T0 + DAY,
              from_as_string: "2024-01-02T00:00:00.000Z",
              to: T0 + 3 * DAY,
              to_as_string: "2024-01-04T00:00:00.000Z",
              doc_count: 2,
            },
          ],
        },
      },
    );
  });

  test("missing, cardinality, value_count, meta", () => {
    assert.deepEqual(
      evaluate(
        {
          m: { missing: { field: "expiration" }, meta: { why: "test" }, aggs: { u: { value_count: { field: "username" } } } },
          c: { cardinality: { field: "metadata.env" } },
          v: { value_count: { field: "metadata.env" } },
        },
        { typedKeys: true },
      ),
      {
        "missing#m": { doc_count: 2, "value_count#u": { value: 2 }, meta: { why: "test" } },
        "cardinality#c": { value: 2 },
        "value_count#v": { value: 4 },
      },
    );
  });

  test("composite: order, missing bucket, after, after_key", () => {
    const first = evaluate({
      c: {
        composite: {
          size: 3,
          sources: [
            { env: { terms: { field: "metadata.env", missing_bucket: true } } },
            { n: { terms: { field: "name", order: "desc" } } },
          ],
        },
      },
    });
    assert.deepEqual(first, {
      c: {
        after_key: { env: "dev", n: "b" },
        buckets: [
          { key: { env: null, n: "c" }, doc_count: 1 },
          { key: { env: "dev", n: "c" }, doc_count: 1 },
          { key: { env: "dev", n: "b" }, doc_count: 1 },
        ],
      },
    });
    const next = evaluate({
      c: {
        composite: {
          size: 3,
          sources: [
            { env: { terms: { field: "metadata.env", missing_bucket: true } } },
            { n: { terms: { field: "name", order: "desc" } } },
          ],
          after: { env: "dev", n: "b" },
        },
      },
    });
    assert.deepEqual(next, {
      c: {
        after_key: { env: "prod", n: "a" },
        buckets: [
          { key: { env: "prod", n: "b" }, doc_count: 1 },
          { key: { env: "prod", n: "a" }, doc_count: 1 },
        ],
      },
    });
    assert.deepEqual(evaluate({ c: { composite: { sources: [{ d: { terms: { field: "invalidated" } } }] } } }), {
      c: {
        after_key: { d: true },
        buckets: [
          { key: { d: false }, doc_count: 3 },
          { key: { d: true }, doc_count: 1 },
        ],
      },
    });
  });

  test("filter and filters use the server's matches", () => {
    const live = { term: { invalidated: false } };
    const matches = { [JSON.stringify(live)]: ["1", "3", "4"], [JSON.stringify({ term: { name: "c" } })]: ["3", "4"] };
    assert.deepEqual(
      evaluate(
        {
          f: { filter: live, aggs: { n: { terms: { field: "name" } } } },
          k: { filters: { filters: { z: { term: { name: "c" } }, a: live }, other_bucket_key: "rest" } },
          l: { filters: { filters: [live] } },
        },
        { matches, typedKeys: true },
      ),
      {
        "filter#f": {
          doc_count: 3,
          "sterms#n": {
            doc_count_error_upper_bound: 0,
            sum_other_doc_count: 0,
            buckets: [
              { key: "c", doc_count: 2 },
              { key: "a", doc_count: 1 },
            ],
          },
        },
        "filters#k": { buckets: { a: { doc_count: 3 }, z: { doc_count: 2 }, rest: { doc_count: 1 } } },
        "filters#l": { buckets: [{ doc_count: 3 }] },
      },
    );
  });

  test("names chosen by the request stay own properties of the response, __proto__ included", () => {
    // Parsed from JSON, as a request body is: `__proto__` is then an ordinary key.
    const result = evaluate(
      JSON.parse(
        JSON.stringify({
          PROTO: { value_count: { field: "name" } },
          r: { date_range: { field: "creation", keyed: true, ranges: [{ key: "__proto__", to: T0 + DAY }] } },
          f: { filters: { filters: { PROTO: { match_all: {} } } } },
          c: { composite: { sources: [{ PROTO: { terms: { field: "name" } } }], size: 1 } },
        }).replaceAll("PROTO", "__proto__"),
      ),
    );
    const own = (value: unknown, key: string): unknown => {
      assert.ok(Object.prototype.hasOwnProperty.call(value, key), `${key} is an own property`);
      return (value as Record<string, unknown>)[key];
    };
    assert.deepEqual(own(result, "__proto__"), { value: 4 });
    assert.equal(Object.getPrototypeOf(result), Object.prototype);
    const ranges = own(own(result, "r"), "buckets");
    assert.equal((own(ranges, "__proto__") as { doc_count: number }).doc_count, 1);
    assert.ok(JSON.stringify(result).includes('"__proto__":{"value":4}'));
    assert.equal((own(own(own(result, "f"), "buckets"), "__proto__") as { doc_count: number }).doc_count, 0);
    const composite = own(result, "c") as { buckets: Array<{ key: unknown }> };
    assert.equal(own(composite.buckets[0]?.key, "__proto__"), "a");
  });

  test("a document under more composite keys than a response may hold is refused", () => {
    const values = Array.from({ length: 300 }, (_, i) => `v${i}`);
    const docs: StoredDocument[] = [
      { _id: "m", creation_time: T0, creator: { principal: "u" }, metadata_flattened: { a: values, b: values } },
    ];
    const parsed = parseAggregations({
      c: { composite: { sources: [{ a: { terms: { field: "metadata.a" } } }, { b: { terms: { field: "metadata.b" } } }] } },
    });
    const started = performance.now();
    throwsSecurityError(
      () => evaluateAggregations(parsed, docs, { typedKeys: false, filterMatches: new Map() }),
      "too_many_buckets_exception",
      /Must be less than or equal to: \[65536\] but was \[90000\]/,
    );
    assert.ok(performance.now() - started < 100);
  });

  test("a range aggregation tests at most 2^22 key-range pairs", () => {
    const docs: StoredDocument[] = Array.from({ length: 5000 }, (_, i) => ({
      _id: `k${i}`,
      creation_time: T0 + i,
      creator: { principal: "u" },
    }));
    const ranges = Array.from({ length: 1000 }, (_, i) => ({ from: T0 + i }));
    const parsed = parseAggregations({ r: { date_range: { field: "creation", ranges } } });
    const started = performance.now();
    throwsSecurityError(
      () => evaluateAggregations(parsed, docs, { typedKeys: false, filterMatches: new Map() }),
      "illegal_argument_exception",
      "[date_range] aggregation [r] would test [1000] ranges against [5000] API keys; at most [4194304] key-range tests are allowed: use fewer ranges or narrow the query",
    );
    assert.ok(performance.now() - started < 100);
    const fewer = evaluateAggregations(
      parseAggregations({ r: { date_range: { field: "creation", ranges: ranges.slice(0, 800) } } }),
      docs,
      { typedKeys: false, filterMatches: new Map() },
    );
    assert.equal(((fewer.r as { buckets: Array<{ doc_count: number }> }).buckets[0] as { doc_count: number }).doc_count, 5000);
  });
});

describe("evaluateAggregations: names from the request stay keys", () => {
  test("aggregations, range keys and composite sources named `__proto__` or `constructor` are returned as such", () => {
    // Built by JSON.parse, as a request body is: a `__proto__` literal key would set the prototype.
    const out = evaluate(
      JSON.parse(
        JSON.stringify({
          PROTO: { terms: { field: "name" } },
          constructor: { value_count: { field: "name" } },
          r: {
            range: { field: "creation", keyed: true, ranges: [{ key: "PROTO", to: T0 + DAY }] },
            aggs: { PROTO: { value_count: { field: "name" } } },
          },
          c: { composite: { sources: [{ PROTO: { terms: { field: "name" } } }] } },
        }).replaceAll("PROTO", "__proto__"),
      ),
    );
    assert.deepEqual(Object.keys(out), ["__proto__", "constructor", "r", "c"]);
    assert.equal(Object.getPrototypeOf(out), Object.prototype, "the prototype itself was left alone");
    assert.deepEqual(Object.keys((out["r"] as { buckets: object }).buckets), ["__proto__"]);
    const bucket = Object.getOwnPropertyDescriptor((out["r"] as { buckets: object }).buckets, "__proto__")?.value as Record<
      string,
      unknown
    >;
    assert.deepEqual(Object.keys(bucket), ["to", "to_as_string", "doc_count", "__proto__"]);
    const composite = out["c"] as { after_key: object };
    assert.deepEqual(Object.keys(composite.after_key), ["__proto__"]);
    assert.match(JSON.stringify(out), /^\{"__proto__":\{"doc_count_error_upper_bound"/);
  });
});
