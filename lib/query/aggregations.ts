/**
 * Evaluates validated API-key aggregations (see `parse-aggregations.ts`) and renders them exactly
 * as Elasticsearch does (bucket shapes, `key_as_string`, `sum_other_doc_count`, `after_key`,
 * `typed_keys` prefixes).
 *
 * Evaluation streams the matching documents (only the fields the aggregations read) through a
 * cursor and computes in JS: FerretDB, the test server, lacks much of the aggregation framework
 * (`$facet`, `$ifNull`...), and one code path keeps the semantics identical on both servers.
 * `filter` / `filters` queries run on the server (an `_id` query each), so their matching is
 * exactly the query API's. The number of documents aggregated is capped
 * ({@link DEFAULT_MAX_AGGREGATION_DOCUMENTS}); beyond it the request is refused with a 400.
 */
import type { mongo } from "mongoose";
import { illegalArgument } from "../support/security-error.js";
import { setOwnKey } from "../support/set-own-key.js";
import type { ApiKeyField } from "./api-key-fields.js";
import {
  compareRaw,
  projectionFor,
  typedFieldValues,
  type RawValue,
  type StoredDocument,
} from "./document-values.js";
import { DateWorkBudget } from "./date-work-budget.js";
import { DEFAULT_FORMAT, type DateFormat } from "./date-format.js";
import { UTC } from "./time-zone.js";
import { attachJoinedValues, resolveJoinedFilter, type JoinedFields } from "./joined-fields.js";
import { and, type MongoFilter } from "./mongo-filter.js";
import type {
  AggregationNode,
  AggregationRequest,
  CompositeAggregation,
  FiltersAggregation,
  RangeAggregation,
  TermsAggregation,
} from "./aggregation-node.js";
import { tooManyBucketsError } from "./query-errors.js";
import { translateApiKeyQuery } from "./translate-query.js";
import type { RegexDialect } from "./wildcard-to-regex.js";

export { parseAggregations } from "./parse-aggregations.js";
export type { AggregationNode, AggregationRequest } from "./parse-aggregations.js";

/** Most documents one request may aggregate over. */
export const DEFAULT_MAX_AGGREGATION_DOCUMENTS = 100_000;
/** `search.max_buckets`. */
export const MAX_BUCKETS = 65_536;

/** Document-to-key placements one `composite` aggregation may compute (multi-valued fields multiply them). */
export const MAX_COMPOSITE_PLACEMENTS = 1_048_576;

/** Key-range tests one `range` / `date_range` aggregation may make (ranges × matching keys; ~0.1 s). */
export const MAX_RANGE_TESTS = 4_194_304;

/** An aggregation result object, as rendered in the response. */
export type AggregationResult = { [key: string]: unknown };

/** Options of {@link evaluateAggregations}. */
export interface EvaluateOptions {
  /** Prefix result names with their type (`sterms#name`), the `typed_keys` parameter. */
  readonly typedKeys: boolean;
  /** The `_id`s matching each `filter`/`filters` query, from {@link collectFilterQueries}'s order. */
  readonly filterMatches: ReadonlyMap<unknown, ReadonlySet<string>>;
}

interface EvalState {
  readonly options: EvaluateOptions;
  buckets: number;
}

function idOf(doc: StoredDocument): string {
  return String(doc._id);
}

function countBuckets(state: EvalState, n: number): void {
  state.buckets += n;
  if (state.buckets > MAX_BUCKETS) throw tooManyBucketsError(MAX_BUCKETS, state.buckets);
}

/**
 * Computes `aggs` over `docs` (the documents matching the request's query and scope).
 * @returns the response's `aggregations` object.
 */
export function evaluateAggregations(aggs: AggregationRequest, docs: readonly StoredDocument[], options: EvaluateOptions): AggregationResult {
  const state: EvalState = { options, buckets: 0 };
  return evaluateLevel(aggs, docs, state);
}

function evaluateLevel(aggs: readonly AggregationNode[], docs: readonly StoredDocument[], state: EvalState): AggregationResult {
  // Aggregation names, range keys, composite source names and bucket keys come from requests and
  // stored data: they are defined as own keys (setOwnKey), so `__proto__` stays a key.
  const out: AggregationResult = {};
  for (const agg of aggs) {
    const result = evaluateOne(agg, docs, state);
    if (agg.meta !== undefined) result.meta = agg.meta;
    const name = state.options.typedKeys ? `${typedName(agg)}#${agg.name}` : agg.name;
    setOwnKey(out, name, result);
  }
  return out;
}

/** The `typed_keys` prefix of an aggregation's result. */
export function typedName(agg: AggregationNode): string {
  if (agg.type === "terms") return agg.field.kind === "keyword" ? "sterms" : "lterms";
  return agg.type;
}

function evaluateOne(agg: AggregationNode, docs: readonly StoredDocument[], state: EvalState): AggregationResult {
  switch (agg.type) {
    case "terms":
      return evaluateTerms(agg, docs, state);
    case "range":
    case "date_range":
      return evaluateRange(agg, docs, state);
    case "missing": {
      const matching = docs.filter((doc) => typedFieldValues(doc, agg.field).length === 0);
      return singleBucket(agg, matching, state);
    }
    case "cardinality": {
      const distinct = new Set<string>();
      for (const doc of docs) {
        const values = valuesWithMissing(doc, agg.field, agg.missing);
        for (const value of values) distinct.add(`${typeof value}:${String(value)}`);
      }
      return { value: distinct.size };
    }
    case "value_count": {
      let count = 0;
      for (const doc of docs) {
        const values = valuesWithMissing(doc, agg.field, agg.missing);
        // Keyword doc values are a set per document; numeric ones keep duplicates.
        count += agg.field.kind === "keyword" ? new Set(values).size : values.length;
      }
      return { value: count };
    }
    case "composite":
      return evaluateComposite(agg, docs, state);
    case "filter": {
      const matches = state.options.filterMatches.get(agg.query) ?? new Set<string>();
      return singleBucket(agg, docs.filter((doc) => matches.has(idOf(doc))), state);
    }
    case "filters":
      return evaluateFilters(agg, docs, state);
  }
}

function valuesWithMissing(doc: StoredDocument, field: ApiKeyField, missing: RawValue | undefined): RawValue[] {
  const values = typedFieldValues(doc, field);
  if (values.length === 0 && missing !== undefined) return [missing];
  return values;
}

function singleBucket(agg: AggregationNode, docs: readonly StoredDocument[], state: EvalState): AggregationResult {
  countBuckets(state, 1);
  return { doc_count: docs.length, ...evaluateLevel(agg.subAggregations, docs, state) };
}

// ---------------------------------------------------------------------------------------------
// terms

interface TermBucket {
  key: RawValue;
  docs: StoredDocument[];
  subs?: AggregationResult;
}

function termsKeyOut(agg: TermsAggregation, key: RawValue): Record<string, unknown> {
  if (agg.field.kind === "date") {
    return { key, key_as_string: (agg.format ?? DEFAULT_FORMAT).format(key as number, UTC) };
  }
  if (agg.field.kind === "boolean") return { key: key === true ? 1 : 0, key_as_string: key === true ? "true" : "false" };
  return { key };
}

function subValue(agg: TermsAggregation, bucket: TermBucket, by: string, state: EvalState): number {
  const sub = agg.subAggregations.find((s) => s.name === by);
  if (!sub) return 0;
  const result = evaluateOne(sub, bucket.docs, { options: state.options, buckets: 0 });
  const value = sub.type === "cardinality" || sub.type === "value_count" ? result.value : result.doc_count;
  return typeof value === "number" ? value : 0;
}

function evaluateTerms(agg: TermsAggregation, docs: readonly StoredDocument[], state: EvalState): AggregationResult {
  const groups = new Map<string, TermBucket>();
  for (const doc of docs) {
    const seen = new Set<string>();
    for (const value of valuesWithMissing(doc, agg.field, agg.missing)) {
      const id = `${typeof value}:${String(value)}`;
      if (seen.has(id)) continue;
      seen.add(id);
      if (agg.include && !agg.include.has(String(value))) continue;
      if (agg.exclude && agg.exclude.has(String(value))) continue;
      let bucket = groups.get(id);
      if (!bucket) {
        bucket = { key: value, docs: [] };
        groups.set(id, bucket);
      }
      bucket.docs.push(doc);
    }
  }
  const buckets = [...groups.values()].filter((b) => b.docs.length >= Math.max(agg.minDocCount, 1));
  const needsSub = agg.order.some((o) => o.by !== "_count" && o.by !== "_key");
  const subCache = new Map<TermBucket, Map<string, number>>();
  const orderValue = (bucket: TermBucket, by: string): number => {
    let cache = subCache.get(bucket);
    if (!cache) {
      cache = new Map();
      subCache.set(bucket, cache);
    }
    let value = cache.get(by);
    if (value === undefined) {
      value = subValue(agg, bucket, by, state);
      cache.set(by, value);
    }
    return value;
  };
  buckets.sort((a, b) => {
    for (const order of agg.order) {
      let c: number;
      if (order.by === "_count") c = a.docs.length - b.docs.length;
      else if (order.by === "_key") c = compareRaw(a.key, b.key);
      else c = needsSub ? orderValue(a, order.by) - orderValue(b, order.by) : 0;
      if (c !== 0) return order.direction === "asc" ? c : -c;
    }
    return compareRaw(a.key, b.key);
  });
  const shown = buckets.slice(0, agg.size);
  const other = buckets.slice(agg.size).reduce((sum, b) => sum + b.docs.length, 0);
  countBuckets(state, shown.length);
  return {
    doc_count_error_upper_bound: 0,
    sum_other_doc_count: other,
    buckets: shown.map((bucket) => ({
      ...termsKeyOut(agg, bucket.key),
      doc_count: bucket.docs.length,
      ...evaluateLevel(agg.subAggregations, bucket.docs, state),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// range / date_range

function evaluateRange(agg: RangeAggregation, docs: readonly StoredDocument[], state: EvalState): AggregationResult {
  const format: DateFormat = agg.format ?? DEFAULT_FORMAT;
  const zone = agg.timeZone ?? UTC;
  const print = (ms: number): string => format.format(ms, zone);
  const values = docs.map((doc) => {
    const typed = typedFieldValues(doc, agg.field) as number[];
    return typed.length === 0 && agg.missing !== undefined ? [agg.missing] : typed;
  });
  countBuckets(state, agg.ranges.length);
  // Each range is a pass over the keys: 1,024 ranges over 100,000 keys would hold the event loop
  // for about a second.
  if (agg.ranges.length * docs.length > MAX_RANGE_TESTS) {
    throw illegalArgument(
      `[${agg.type}] aggregation [${agg.name}] would test [${agg.ranges.length}] ranges against [${docs.length}] API keys; ` +
        `at most [${MAX_RANGE_TESTS}] key-range tests are allowed: use fewer ranges or narrow the query`,
    );
  }
  const buckets = agg.ranges.map((range) => {
    const inRange = docs.filter((_, i) =>
      (values[i] as number[]).some((v) => (range.from === undefined || v >= range.from) && (range.to === undefined || v < range.to)),
    );
    const key = range.key ?? `${range.from === undefined ? "*" : print(range.from)}-${range.to === undefined ? "*" : print(range.to)}`;
    const bucket: AggregationResult = { key };
    if (range.from !== undefined) {
      bucket.from = range.from;
      bucket.from_as_string = print(range.from);
    }
    if (range.to !== undefined) {
      bucket.to = range.to;
      bucket.to_as_string = print(range.to);
    }
    bucket.doc_count = inRange.length;
    // Spread, not Object.assign: it defines keys, so a sub-aggregation named `__proto__` stays one.
    return { ...bucket, ...evaluateLevel(agg.subAggregations, inRange, state) };
  });
  if (agg.keyed) {
    const keyed: AggregationResult = {};
    for (const bucket of buckets) {
      const { key, ...rest } = bucket;
      setOwnKey(keyed, String(key), rest);
    }
    return { buckets: keyed };
  }
  return { buckets };
}

// ---------------------------------------------------------------------------------------------
// composite

type CompositeKey = Array<RawValue | null>;

function compositeCompare(agg: CompositeAggregation, a: CompositeKey, b: CompositeKey): number {
  for (let i = 0; i < agg.sources.length; i++) {
    const source = agg.sources[i] as CompositeAggregation["sources"][number];
    const va = a[i] ?? null;
    const vb = b[i] ?? null;
    if (va === null || vb === null) {
      if (va === vb) continue;
      return (va === null) === source.missingFirst ? -1 : 1;
    }
    const c = compareRaw(va, vb);
    if (c !== 0) return source.order === "asc" ? c : -c;
  }
  return 0;
}

function evaluateComposite(agg: CompositeAggregation, docs: readonly StoredDocument[], state: EvalState): AggregationResult {
  const groups = new Map<string, { key: CompositeKey; docs: StoredDocument[] }>();
  let placements = 0;
  for (const doc of docs) {
    let tuples: CompositeKey[] = [[]];
    for (const source of agg.sources) {
      const values: Array<RawValue | null> = [...new Set(typedFieldValues(doc, source.field))];
      if (values.length === 0) {
        if (!source.missingBucket) {
          tuples = [];
          break;
        }
        values.push(null);
      }
      // Multi-valued fields multiply: a document under more keys than a response may hold is refused.
      if (tuples.length * values.length > MAX_BUCKETS) throw tooManyBucketsError(MAX_BUCKETS, tuples.length * values.length);
      tuples = tuples.flatMap((tuple) => values.map((value) => [...tuple, value]));
    }
    placements += tuples.length;
    if (placements > MAX_COMPOSITE_PLACEMENTS) {
      throw illegalArgument(
        `[composite] aggregation [${agg.name}] places the matching API keys under more than [${MAX_COMPOSITE_PLACEMENTS}] keys; narrow the query or the sources`,
      );
    }
    for (const tuple of tuples) {
      const id = JSON.stringify(tuple.map((v) => (v === null ? null : [typeof v, v])));
      let group = groups.get(id);
      if (!group) {
        group = { key: tuple, docs: [] };
        groups.set(id, group);
      }
      group.docs.push(doc);
    }
  }
  let sorted = [...groups.values()].sort((a, b) => compositeCompare(agg, a.key, b.key));
  if (agg.after) {
    const after = agg.after as CompositeKey;
    sorted = sorted.filter((group) => compositeCompare(agg, group.key, after) > 0);
  }
  const page = sorted.slice(0, agg.size);
  countBuckets(state, page.length);
  const renderKey = (key: CompositeKey): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    agg.sources.forEach((source, i) => {
      const value = key[i] ?? null;
      setOwnKey(out, source.name, value !== null && source.format && typeof value === "number" ? source.format.format(value, UTC) : value);
    });
    return out;
  };
  const result: AggregationResult = {};
  const last = page[page.length - 1];
  if (last) result.after_key = renderKey(last.key);
  result.buckets = page.map((group) => ({
    key: renderKey(group.key),
    doc_count: group.docs.length,
    ...evaluateLevel(agg.subAggregations, group.docs, state),
  }));
  return result;
}

// ---------------------------------------------------------------------------------------------
// filters

function evaluateFilters(agg: FiltersAggregation, docs: readonly StoredDocument[], state: EvalState): AggregationResult {
  const matchedAny = new Set<string>();
  const buckets = agg.filters.map((filter) => {
    const matches = state.options.filterMatches.get(filter.query) ?? new Set<string>();
    const inBucket = docs.filter((doc) => matches.has(idOf(doc)));
    for (const doc of inBucket) matchedAny.add(idOf(doc));
    return { key: filter.key, docs: inBucket };
  });
  if (agg.otherBucketKey !== undefined) {
    buckets.push({ key: agg.otherBucketKey, docs: docs.filter((doc) => !matchedAny.has(idOf(doc))) });
  }
  countBuckets(state, buckets.length);
  const rendered = buckets.map((bucket) => ({
    key: bucket.key,
    body: { doc_count: bucket.docs.length, ...evaluateLevel(agg.subAggregations, bucket.docs, state) },
  }));
  if (agg.keyed) {
    const keyed: AggregationResult = {};
    for (const bucket of rendered) setOwnKey(keyed, bucket.key as string, bucket.body);
    return { buckets: keyed };
  }
  return {
    buckets: rendered.map((bucket) => (bucket.key === undefined ? bucket.body : { key: bucket.key, ...bucket.body })),
  };
}

// ---------------------------------------------------------------------------------------------
// Running against a collection

/** Every `filter`/`filters` query in the tree (the keys of {@link EvaluateOptions.filterMatches}). */
export function collectFilterQueries(aggs: AggregationRequest): unknown[] {
  const queries: unknown[] = [];
  const visit = (nodes: readonly AggregationNode[]): void => {
    for (const node of nodes) {
      if (node.type === "filter") queries.push(node.query);
      if (node.type === "filters") for (const filter of node.filters) queries.push(filter.query);
      visit(node.subAggregations);
    }
  };
  visit(aggs);
  return queries;
}

/** The stored paths the aggregations read. */
export function aggregationPaths(aggs: AggregationRequest): string[] {
  const paths: string[] = [];
  const visit = (nodes: readonly AggregationNode[]): void => {
    for (const node of nodes) {
      if ("field" in node) paths.push(node.field.path);
      if (node.type === "composite") for (const source of node.sources) paths.push(source.field.path);
      visit(node.subAggregations);
    }
  };
  visit(aggs);
  return paths;
}

/** Options of {@link runAggregations}. */
export interface RunAggregationsOptions {
  /** Epoch ms for date math in filter queries. */
  readonly now: number;
  readonly typedKeys: boolean;
  /** How many documents match `filter` (when the caller already counted them), for the cap check. */
  readonly matching?: number | undefined;
  /** Default {@link DEFAULT_MAX_AGGREGATION_DOCUMENTS}. */
  readonly maxDocuments?: number | undefined;
  /** The server's regex dialect for filter queries (default `"portable"`). */
  readonly regexDialect?: RegexDialect | undefined;
  /** Fields kept outside the key documents (`last_used`), joined by key id (see joined-fields.ts). */
  readonly joined?: JoinedFields | undefined;
  /** Server-side time limit of each cursor (the store's `storeTimeout`); none when absent. */
  readonly maxTimeMS?: number | undefined;
  /** The request's allowance of zoned date math, shared with its main query. */
  readonly budget?: DateWorkBudget | undefined;
}

function tooManyDocuments(max: number): Error {
  return illegalArgument(
    `[query_api_keys] aggregations are limited to [${max}] matching API keys; narrow the query to aggregate over fewer keys`,
  );
}

/**
 * Runs validated aggregations over the documents of `collection` matching `filter` (the full query
 * with its scope): the filter queries first (their `_id`s), then one cursor over the matches
 * projecting only the aggregated fields.
 */
export async function runAggregations(
  collection: mongo.Collection<mongo.Document>,
  aggs: AggregationRequest,
  filter: MongoFilter,
  options: RunAggregationsOptions,
): Promise<AggregationResult> {
  const max = options.maxDocuments ?? DEFAULT_MAX_AGGREGATION_DOCUMENTS;
  if (options.matching !== undefined && options.matching > max) throw tooManyDocuments(max);

  const limit = options.maxTimeMS !== undefined && options.maxTimeMS > 0 ? { maxTimeMS: options.maxTimeMS } : {};
  const filterMatches = new Map<unknown, ReadonlySet<string>>();
  const budget = options.budget ?? new DateWorkBudget();
  await Promise.all(
    collectFilterQueries(aggs).map(async (query) => {
      const ids = new Set<string>();
      let translated = translateApiKeyQuery(query, options.now, { regexDialect: options.regexDialect, budget });
      if (options.joined) translated = await resolveJoinedFilter(translated, options.joined, max);
      const cursor = collection.find(and([filter, translated]), { projection: { _id: 1 }, ...limit });
      for await (const doc of cursor) {
        ids.add(String(doc._id));
        if (ids.size > max) throw tooManyDocuments(max);
      }
      filterMatches.set(query, ids);
    }),
  );

  let docs: StoredDocument[] = [];
  const paths = aggregationPaths(aggs);
  const cursor = collection.find(filter, { projection: projectionFor(paths), batchSize: 1000, ...limit });
  try {
    for await (const doc of cursor) {
      docs.push(doc);
      if (docs.length > max) throw tooManyDocuments(max);
    }
  } finally {
    await cursor.close();
  }
  const joined = options.joined;
  if (joined && paths.some((path) => joined.paths.has(path))) docs = await attachJoinedValues(docs, joined);
  return evaluateAggregations(aggs, docs, { typedKeys: options.typedKeys, filterMatches });
}
