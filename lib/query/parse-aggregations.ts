/**
 * Parses and validates the Query API keys request's `aggs` / `aggregations`, the way
 * Elasticsearch's `ApiKeyAggregationsBuilder` restricts them: `terms`, `range`, `date_range`,
 * `missing`, `cardinality`, `value_count`, `composite` (terms sources), `filter` and `filters`,
 * with sub-aggregations, over the API-key field allow-list. No scripts, no pipeline aggregations,
 * no `global` (it would escape the ownership filter).
 */
import { illegalArgument, xContentParseError } from "../support/security-error.js";
import {
  booleanValue,
  dateValue,
  isScalar,
  jsonType,
  keywordValue,
  resolveApiKeyField,
  type ApiKeyField,
} from "./api-key-fields.js";
import type { RawValue } from "./document-values.js";
import { DateWorkBudget } from "./date-work-budget.js";
import { parseDateFormat, type DateFormat } from "./date-format.js";
import { parseTimeZone, type TimeZone } from "./time-zone.js";
import { aggregationInitializationError, parsingError } from "./query-errors.js";
import { translateApiKeyQuery } from "./translate-query.js";

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What every aggregation carries. */
interface AggregationBase {
  readonly name: string;
  /** Echoed back as `meta`. */
  readonly meta: JsonObject | undefined;
  readonly subAggregations: readonly AggregationNode[];
}

/** One `order` criterion of a `terms` aggregation. */
export interface TermsOrder {
  /** `_count`, `_key`, or the name of a single-value sub-aggregation. */
  readonly by: string;
  readonly direction: "asc" | "desc";
}

export interface TermsAggregation extends AggregationBase {
  readonly type: "terms";
  readonly field: ApiKeyField;
  readonly size: number;
  readonly minDocCount: number;
  readonly order: readonly TermsOrder[];
  readonly missing: RawValue | undefined;
  readonly include: ReadonlySet<string> | undefined;
  readonly exclude: ReadonlySet<string> | undefined;
  readonly format: DateFormat | undefined;
}

/** One range of a `range` / `date_range` aggregation, bounds in epoch ms (dates). */
export interface RangeSpec {
  readonly key: string | undefined;
  readonly from: number | undefined;
  readonly to: number | undefined;
}

export interface RangeAggregation extends AggregationBase {
  readonly type: "range" | "date_range";
  readonly field: ApiKeyField;
  readonly ranges: readonly RangeSpec[];
  readonly keyed: boolean;
  readonly format: DateFormat | undefined;
  readonly timeZone: TimeZone | undefined;
  readonly missing: number | undefined;
}

export interface MissingAggregation extends AggregationBase {
  readonly type: "missing";
  readonly field: ApiKeyField;
}

export interface MetricAggregation extends AggregationBase {
  readonly type: "cardinality" | "value_count";
  readonly field: ApiKeyField;
  readonly missing: RawValue | undefined;
}

/** One `terms` source of a `composite` aggregation. */
export interface CompositeSource {
  readonly name: string;
  readonly field: ApiKeyField;
  readonly order: "asc" | "desc";
  readonly missingBucket: boolean;
  /** Where the `null` bucket goes. */
  readonly missingFirst: boolean;
  readonly format: DateFormat | undefined;
}

export interface CompositeAggregation extends AggregationBase {
  readonly type: "composite";
  readonly sources: readonly CompositeSource[];
  readonly size: number;
  /** Per-source `after` values (`null` = the missing bucket). */
  readonly after: ReadonlyArray<RawValue | null> | undefined;
}

export interface FilterAggregation extends AggregationBase {
  readonly type: "filter";
  /** The (validated) query, translated again at execution with the request's `now`. */
  readonly query: unknown;
}

export interface FiltersAggregation extends AggregationBase {
  readonly type: "filters";
  /** Keyed filters (sorted by key, as Elasticsearch does) or anonymous ones (`key` undefined). */
  readonly filters: ReadonlyArray<{ readonly key: string | undefined; readonly query: unknown }>;
  readonly keyed: boolean;
  readonly otherBucketKey: string | undefined;
}

/** A validated aggregation. */
export type AggregationNode =
  | TermsAggregation
  | RangeAggregation
  | MissingAggregation
  | MetricAggregation
  | CompositeAggregation
  | FilterAggregation
  | FiltersAggregation;

/** The validated `aggs` of a request, in request order. */
export type AggregationRequest = readonly AggregationNode[];

/** Aggregation types Elasticsearch has but refuses for API keys. */
const KNOWN_UNSUPPORTED = new Set([
  "adjacency_matrix", "auto_date_histogram", "avg", "boxplot", "categorize_text", "children", "date_histogram",
  "diversified_sampler", "extended_stats", "frequent_item_sets", "geo_bounds", "geo_centroid", "geo_line",
  "geohash_grid", "geohex_grid", "geotile_grid", "global", "histogram", "ip_prefix", "ip_range", "matrix_stats", "max",
  "median_absolute_deviation", "min", "multi_terms", "nested", "parent", "percentile_ranks", "percentiles",
  "random_sampler", "rare_terms", "rate", "reverse_nested", "sampler", "scripted_metric", "significant_terms",
  "significant_text", "stats", "string_stats", "sum", "t_test", "time_series", "top_hits", "top_metrics",
  "variable_width_histogram", "weighted_avg",
]);

const PIPELINES = new Set([
  "avg_bucket", "bucket_correlation", "bucket_count_ks_test", "bucket_script", "bucket_selector", "bucket_sort",
  "change_point", "cumulative_cardinality", "cumulative_sum", "derivative", "extended_stats_bucket", "inference",
  "max_bucket", "min_bucket", "moving_fn", "moving_percentiles", "normalize", "percentiles_bucket", "serial_diff",
  "stats_bucket", "sum_bucket",
]);

const SUPPORTED = new Set(["terms", "range", "date_range", "missing", "cardinality", "value_count", "composite", "filter", "filters"]);

/** Most aggregations (all levels) and filter clauses one request may hold (guards). */
export const MAX_AGGREGATIONS = 100;
export const MAX_FILTER_QUERIES = 100;
/** Ranges of one `range` / `date_range` aggregation (each is a pass over the matching keys). */
export const MAX_RANGES = 1024;
/** Sources of one `composite` aggregation (each multiplies the keys a document falls under). */
export const MAX_COMPOSITE_SOURCES = 16;
/** Nesting depth of sub-aggregations (a guard). */
export const MAX_AGGREGATION_DEPTH = 10;

interface ParseState {
  count: number;
  filters: number;
  readonly now: number;
  readonly budget: DateWorkBudget;
}

/**
 * Validates `aggs` (an object of name → definition). Filter queries are translated once here to
 * validate them (with `now`), and again at execution.
 * @throws SecurityError 400 with Elasticsearch's messages: `Unsupported API Keys agg [n] of type
 *   [t]`, `Unsupported aggregation of type [t]` (pipelines), `Unknown aggregation type [t]`,
 *   `Unsupported script value source for [n] agg`, field errors, malformed definitions.
 */
export function parseAggregations(aggs: unknown, now: number = Date.now(), budget: DateWorkBudget = new DateWorkBudget()): AggregationRequest {
  const state: ParseState = { count: 0, filters: 0, now, budget };
  return parseLevel(aggs, state, 0, undefined);
}

function parseLevel(aggs: unknown, state: ParseState, depth: number, parentType: string | undefined): AggregationNode[] {
  if (!isObject(aggs)) throw parsingError(`Unexpected token ${Array.isArray(aggs) ? "START_ARRAY" : "VALUE"} in [aggs].`);
  if (depth > MAX_AGGREGATION_DEPTH) throw illegalArgument(`aggregations are nested more than [${MAX_AGGREGATION_DEPTH}] levels deep`);
  const nodes: AggregationNode[] = [];
  for (const [name, definition] of Object.entries(aggs)) {
    if (!/^[^[\]>]+$/.test(name)) {
      throw parsingError(`Invalid aggregation name [${name}]. Aggregation names can contain any character except '[', ']', and '>'`);
    }
    if (!isObject(definition)) throw parsingError(`Aggregation definition for [${name} starts with a [${definition === null ? "VALUE_NULL" : Array.isArray(definition) ? "START_ARRAY" : "VALUE"}], expected a [START_OBJECT].`);
    state.count++;
    if (state.count > MAX_AGGREGATIONS) throw illegalArgument(`a request may hold at most [${MAX_AGGREGATIONS}] aggregations`);
    nodes.push(parseOne(name, definition, state, depth, parentType));
  }
  return nodes;
}

function parseOne(name: string, definition: JsonObject, state: ParseState, depth: number, parentType: string | undefined): AggregationNode {
  let type: string | undefined;
  let body: unknown;
  let meta: JsonObject | undefined;
  let subs: unknown;
  let subsKey: string | undefined;
  for (const [key, value] of Object.entries(definition)) {
    if (key === "meta") {
      if (!isObject(value)) throw parsingError(`Expected [START_OBJECT] under [meta], but got a [${jsonType(value)}] in [${name}]`);
      meta = value;
    } else if (key === "aggs" || key === "aggregations") {
      if (subsKey !== undefined) throw parsingError(`Found two sub aggregation definitions under [${name}]`);
      if (!isObject(value)) throw parsingError(`Expected [START_OBJECT] under [${key}], but got a [${jsonType(value)}] in [${name}]`);
      subsKey = key;
      subs = value;
    } else {
      if (type !== undefined) throw parsingError(`Found two aggregation type definitions in [${name}]: [${type}] and [${key}]`);
      type = key;
      body = value;
    }
  }
  if (type === undefined) throw parsingError(`Missing definition for aggregation [${name}]`);
  if (PIPELINES.has(type)) throw illegalArgument(`Unsupported aggregation of type [${type}]`);
  if (KNOWN_UNSUPPORTED.has(type)) throw illegalArgument(`Unsupported API Keys agg [${name}] of type [${type}]`);
  if (!SUPPORTED.has(type)) throw parsingError(`Unknown aggregation type [${type}]`);
  if (!isObject(body)) throw parsingError(`Expected [START_OBJECT] under [${type}], but got a [${jsonType(body)}] in [${name}]`);
  if (type === "composite" && parentType !== undefined) {
    throw illegalArgument(`[composite] aggregation cannot be used with a parent aggregation of type: [${parentType}]`);
  }
  if ((type === "cardinality" || type === "value_count") && subs !== undefined && Object.keys(subs as JsonObject).length > 0) {
    throw aggregationInitializationError(`Aggregator [${name}] of type [${type}] cannot accept sub-aggregations`);
  }
  const subAggregations = subs === undefined ? [] : parseLevel(subs, state, depth + 1, type);
  const base = { name, meta, subAggregations };
  switch (type) {
    case "terms":
      return parseTerms(name, body, base, state.now);
    case "range":
    case "date_range":
      return parseRange(name, type, body, base, state);
    case "missing": {
      checkKeys(body, type, ["field"]);
      return { ...base, type, field: valuesSourceField(name, body) };
    }
    case "cardinality":
    case "value_count": {
      checkKeys(body, type, ["field", "missing", "precision_threshold", "execution_hint", "rehash", "format", "value_type"]);
      const field = valuesSourceField(name, body);
      return { ...base, type, field, missing: body.missing === undefined ? undefined : typedValue(field, body.missing, state.now) };
    }
    case "composite":
      return parseComposite(name, body, base, state.now);
    case "filter":
      countFilter(state);
      translateApiKeyQuery(body, state.now, { budget: state.budget });
      return { ...base, type, query: body };
    default:
      return parseFilters(body, base, state);
  }
}

function checkKeys(body: JsonObject, type: string, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (key === "script") continue;
    if (!allowed.includes(key)) throw xContentParseError(`[${type}] unknown field [${key}]`);
  }
}

/** The `field` of a values-source aggregation (scripts refused like Elasticsearch). */
function valuesSourceField(name: string, body: JsonObject): ApiKeyField {
  if (body.script !== undefined) throw illegalArgument(`Unsupported script value source for [${name}] agg`);
  if (body.field === undefined) throw illegalArgument("Required one of fields [field, script], but none were specified.");
  return resolveApiKeyField(body.field);
}

function typedValue(field: ApiKeyField, value: unknown, now: number): RawValue {
  if (!isScalar(value)) throw parsingError(`[missing] value of type [${jsonType(value)}] is not supported`);
  switch (field.kind) {
    case "keyword":
      return keywordValue(value, "missing");
    case "date":
      return dateValue(value, { now });
    case "boolean":
      return booleanValue(value);
  }
}

function positiveInteger(value: unknown, key: string, name: string, allowZero: boolean): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw xContentParseError(`[${key}] must be an integer in [${name}]`);
  if (allowZero ? value < 0 : value <= 0) {
    throw illegalArgument(`[${key}] must be greater than ${allowZero ? "or equal to " : ""}0. Found [${value}] in [${name}]`);
  }
  return value;
}

function direction(value: unknown, context: string): "asc" | "desc" {
  if (value === "asc" || value === "desc") return value;
  if (typeof value === "string" && /^(asc|desc)$/i.test(value)) return value.toLowerCase() as "asc" | "desc";
  throw parsingError(`Unknown ${context} order direction [${String(value)}]`);
}

function stringSet(value: unknown, key: string): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    return new Set(value.map((v) => {
      if (!isScalar(v)) throw parsingError(`[${key}] values must be strings`);
      return String(v);
    }));
  }
  throw illegalArgument(`[${key}] regular expressions and partitions are not supported for API keys; give an array of values`);
}

function parseTerms(name: string, body: JsonObject, base: AggregationBase, now: number): TermsAggregation {
  checkKeys(body, "terms", [
    "field", "size", "shard_size", "min_doc_count", "shard_min_doc_count", "order", "missing", "include", "exclude",
    "execution_hint", "collect_mode", "show_term_doc_count_error", "format", "value_type",
  ]);
  const field = valuesSourceField(name, body);
  const size = body.size === undefined ? 10 : positiveInteger(body.size, "size", name, false);
  const minDocCount = body.min_doc_count === undefined ? 1 : positiveInteger(body.min_doc_count, "minDocCount", name, true);
  const orders: TermsOrder[] = [];
  if (body.order !== undefined) {
    const list = Array.isArray(body.order) ? body.order : [body.order];
    for (const entry of list) {
      if (!isObject(entry) || Object.keys(entry).length !== 1) throw parsingError(`Order must be an object with a single key in [${name}]`);
      const [by, dir] = Object.entries(entry)[0] as [string, unknown];
      if (by === "_term") throw illegalArgument("Deprecated aggregation order key [_term] used, replaced by [_key]");
      if (by !== "_count" && by !== "_key") {
        const sub = base.subAggregations.find((s) => s.name === by);
        if (!sub) throw aggregationInitializationError(`Invalid aggregation order path [${by}]. Unknown aggregation [${by}]`);
        if (sub.type !== "cardinality" && sub.type !== "value_count" && sub.type !== "filter" && sub.type !== "missing") {
          throw aggregationInitializationError(
            `Invalid aggregation order path [${by}]. Buckets can only be sorted on a sub-aggregator path that is built out of ` +
              "zero or more single-bucket aggregations within the path and a final single-bucket or a metrics aggregation at the path end.",
          );
        }
      }
      orders.push({ by, direction: direction(dir, "terms") });
    }
  }
  if (orders.length === 0) orders.push({ by: "_count", direction: "desc" });
  if (body.format !== undefined && field.kind !== "date") {
    throw illegalArgument(`Field [${field.indexName}] of type [${field.kind}] does not support custom formats`);
  }
  const format = body.format !== undefined ? parseDateFormat(body.format) : undefined;
  return {
    ...base,
    type: "terms",
    field,
    size,
    minDocCount,
    order: orders,
    missing: body.missing === undefined ? undefined : typedValue(field, body.missing, now),
    include: stringSet(body.include, "include"),
    exclude: stringSet(body.exclude, "exclude"),
    format,
  };
}

function parseRange(name: string, type: "range" | "date_range", body: JsonObject, base: AggregationBase, state: ParseState): RangeAggregation {
  const { now, budget } = state;
  checkKeys(body, type, ["field", "ranges", "keyed", "format", "time_zone", "missing", "value_type"]);
  const field = valuesSourceField(name, body);
  if (field.kind !== "date") {
    throw illegalArgument(`Field [${field.indexName}] of type [${field.kind}] is not supported for aggregation [${type}]`);
  }
  const format = body.format !== undefined ? parseDateFormat(body.format) : undefined;
  const timeZone = body.time_zone !== undefined ? parseTimeZone(body.time_zone) : undefined;
  if (body.ranges === undefined || (Array.isArray(body.ranges) && body.ranges.length === 0)) {
    throw illegalArgument(`No [ranges] specified for the [${name}] aggregation`);
  }
  if (!Array.isArray(body.ranges)) throw parsingError(`[${type}] failed to parse field [ranges]`);
  if (body.ranges.length > MAX_RANGES) {
    throw illegalArgument(`[${type}] aggregation [${name}] has [${body.ranges.length}] ranges, the maximum is [${MAX_RANGES}]`);
  }
  const bound = (value: unknown): number | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" && typeof value !== "string") throw parsingError(`[${type}] range bounds must be numbers or strings`);
    return dateValue(value, { now, format, timeZone, budget });
  };
  const ranges: RangeSpec[] = body.ranges.map((entry) => {
    if (!isObject(entry)) throw parsingError(`[${type}] failed to parse field [ranges]`);
    for (const key of Object.keys(entry)) {
      if (key !== "from" && key !== "to" && key !== "key") throw xContentParseError(`[range] unknown field [${key}]`);
    }
    if (entry.key !== undefined && typeof entry.key !== "string") throw parsingError(`[${type}] range [key] must be a string`);
    return { key: entry.key, from: bound(entry.from), to: bound(entry.to) };
  });
  // Elasticsearch orders ranges by `from`, then `to` (absent from first, absent to last).
  ranges.sort((a, b) => (a.from ?? -Infinity) - (b.from ?? -Infinity) || (a.to ?? Infinity) - (b.to ?? Infinity));
  const keyed = body.keyed === undefined ? false : body.keyed === true;
  const missing = body.missing === undefined ? undefined : bound(body.missing);
  return { ...base, type, field, ranges, keyed, format, timeZone, missing };
}

function parseComposite(name: string, body: JsonObject, base: AggregationBase, now: number): CompositeAggregation {
  checkKeys(body, "composite", ["sources", "size", "after"]);
  if (!Array.isArray(body.sources) || body.sources.length === 0) throw illegalArgument(`Composite [sources] cannot be null or empty`);
  if (body.sources.length > MAX_COMPOSITE_SOURCES) {
    throw illegalArgument(`[composite] aggregation [${name}] has [${body.sources.length}] sources, the maximum is [${MAX_COMPOSITE_SOURCES}]`);
  }
  const names = new Set<string>();
  const sources: CompositeSource[] = body.sources.map((entry) => {
    if (!isObject(entry) || Object.keys(entry).length !== 1) throw parsingError(`[composite] each source must be an object with a single name`);
    const [sourceName, spec] = Object.entries(entry)[0] as [string, unknown];
    if (names.has(sourceName)) throw illegalArgument(`Composite source names must be unique, found duplicates: [${sourceName}]`);
    names.add(sourceName);
    if (!isObject(spec) || Object.keys(spec).length !== 1) throw parsingError(`[composite] source [${sourceName}] must hold one value source`);
    const [sourceType, options] = Object.entries(spec)[0] as [string, unknown];
    if (sourceType !== "terms") {
      throw illegalArgument(
        `Unsupported value source type for [${sourceName}] of composite agg [${name}].Only [terms] value sources are allowed.`,
      );
    }
    if (!isObject(options)) throw parsingError(`[terms] source [${sourceName}] must be an object`);
    if (options.script !== undefined) {
      throw illegalArgument(`Unsupported script value source for [${sourceName}] of composite agg [${name}]`);
    }
    checkKeys(options, "terms", ["field", "order", "missing_bucket", "missing_order", "format", "value_type"]);
    if (options.field === undefined) throw illegalArgument("Required one of fields [field, script], but none were specified.");
    const field = resolveApiKeyField(options.field);
    const order = options.order === undefined ? "asc" : direction(options.order, "composite");
    const missingBucket = options.missing_bucket === true;
    const missingOrder = options.missing_order ?? "default";
    if (missingOrder !== "default" && missingOrder !== "first" && missingOrder !== "last") {
      throw illegalArgument(`Unknown MissingOrder value [${String(missingOrder)}]`);
    }
    if (options.format !== undefined && field.kind !== "date") {
      throw illegalArgument(`Field [${field.indexName}] of type [${field.kind}] does not support custom formats`);
    }
    return {
      name: sourceName,
      field,
      order,
      missingBucket,
      missingFirst: missingOrder === "first" || (missingOrder === "default" && order === "asc"),
      format: options.format !== undefined ? parseDateFormat(options.format) : undefined,
    };
  });
  const size = body.size === undefined ? 10 : positiveInteger(body.size, "size", name, false);
  let after: Array<RawValue | null> | undefined;
  if (body.after !== undefined) {
    if (!isObject(body.after)) throw parsingError(`[composite] failed to parse field [after]`);
    const afterObject = body.after;
    if (Object.keys(afterObject).length !== sources.length) {
      throw illegalArgument(`[after] has ${Object.keys(afterObject).length} value(s) but [sources] has ${sources.length}`);
    }
    after = sources.map((source) => {
      if (!Object.prototype.hasOwnProperty.call(afterObject, source.name)) {
        throw illegalArgument(`[after] key [${source.name}] is missing from the composite [${name}] after key`);
      }
      const value = afterObject[source.name];
      if (value === null) {
        if (!source.missingBucket) throw illegalArgument(`Cannot set missing value for source [${source.name}] without [missing_bucket]`);
        return null;
      }
      if (source.field.kind === "date" && typeof value === "string" && source.format) {
        return dateValue(value, { now, format: source.format });
      }
      return typedValue(source.field, value, now);
    });
  }
  return { ...base, type: "composite", sources, size, after };
}

function countFilter(state: ParseState): void {
  state.filters++;
  if (state.filters > MAX_FILTER_QUERIES) throw illegalArgument(`a request may hold at most [${MAX_FILTER_QUERIES}] filter queries in aggregations`);
}

function parseFilters(body: JsonObject, base: AggregationBase, state: ParseState): FiltersAggregation {
  checkKeys(body, "filters", ["filters", "other_bucket", "other_bucket_key", "keyed"]);
  const raw = body.filters;
  let filters: Array<{ key: string | undefined; query: unknown }>;
  let keyed: boolean;
  if (isObject(raw)) {
    keyed = true;
    filters = Object.entries(raw).map(([key, query]) => ({ key, query }));
    filters.sort((a, b) => ((a.key as string) < (b.key as string) ? -1 : (a.key as string) > (b.key as string) ? 1 : 0));
  } else if (Array.isArray(raw)) {
    keyed = false;
    filters = raw.map((query) => ({ key: undefined, query }));
  } else {
    throw illegalArgument("[filters] cannot be null");
  }
  if (filters.length === 0) throw illegalArgument("[filters] cannot be empty.");
  for (const filter of filters) {
    countFilter(state);
    translateApiKeyQuery(filter.query, state.now, { budget: state.budget });
  }
  if (body.other_bucket !== undefined && typeof body.other_bucket !== "boolean") throw parsingError("[filters] failed to parse field [other_bucket]");
  if (body.other_bucket_key !== undefined && typeof body.other_bucket_key !== "string") throw parsingError("[filters] failed to parse field [other_bucket_key]");
  if (body.keyed !== undefined && typeof body.keyed !== "boolean") throw parsingError("[filters] failed to parse field [keyed]");
  if (body.keyed === false) keyed = false;
  const otherBucket = body.other_bucket === true || body.other_bucket_key !== undefined;
  const otherBucketKey = otherBucket ? ((body.other_bucket_key as string | undefined) ?? "_other_") : undefined;
  return { ...base, type: "filters", filters, keyed, otherBucketKey };
}
