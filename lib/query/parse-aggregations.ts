/**
 * Parses and validates the Query API keys request's `aggs` / `aggregations`, the way
 * Elasticsearch's `ApiKeyAggregationsBuilder` restricts them: `terms`, `range`, `date_range`,
 * `missing`, `cardinality`, `value_count`, `composite` (terms sources), `filter` and `filters`,
 * with sub-aggregations, over the API-key field allow-list. No scripts, no pipeline aggregations,
 * no `global` (it would escape the ownership filter).
 */
import { isPlainObject } from "../support/is-plain-object.js";
import { illegalArgument } from "../support/security-error.js";
import { jsonType } from "./api-key-fields.js";
import { checkKeys, countFilter, typedValue, valuesSourceField, type ParseState } from "./aggregation-body.js";
import type { AggregationNode, AggregationRequest } from "./aggregation-node.js";
import { DateWorkBudget } from "./date-work-budget.js";
import { parseComposite, parseFilters, parseRange, parseTerms } from "./parse-bucket-aggregations.js";
import { type JsonObject } from "./query-context.js";
import { aggregationInitializationError, parsingError } from "./query-errors.js";
import { translateApiKeyQuery } from "./translate-query.js";

export type { AggregationNode, AggregationRequest } from "./aggregation-node.js";

/** Aggregation types Elasticsearch has but refuses for API keys. */
const KNOWN_UNSUPPORTED = new Set([
  "adjacency_matrix",
  "auto_date_histogram",
  "avg",
  "boxplot",
  "categorize_text",
  "children",
  "date_histogram",
  "diversified_sampler",
  "extended_stats",
  "frequent_item_sets",
  "geo_bounds",
  "geo_centroid",
  "geo_line",
  "geohash_grid",
  "geohex_grid",
  "geotile_grid",
  "global",
  "histogram",
  "ip_prefix",
  "ip_range",
  "matrix_stats",
  "max",
  "median_absolute_deviation",
  "min",
  "multi_terms",
  "nested",
  "parent",
  "percentile_ranks",
  "percentiles",
  "random_sampler",
  "rare_terms",
  "rate",
  "reverse_nested",
  "sampler",
  "scripted_metric",
  "significant_terms",
  "significant_text",
  "stats",
  "string_stats",
  "sum",
  "t_test",
  "time_series",
  "top_hits",
  "top_metrics",
  "variable_width_histogram",
  "weighted_avg",
]);

const PIPELINES = new Set([
  "avg_bucket",
  "bucket_correlation",
  "bucket_count_ks_test",
  "bucket_script",
  "bucket_selector",
  "bucket_sort",
  "change_point",
  "cumulative_cardinality",
  "cumulative_sum",
  "derivative",
  "extended_stats_bucket",
  "inference",
  "max_bucket",
  "min_bucket",
  "moving_fn",
  "moving_percentiles",
  "normalize",
  "percentiles_bucket",
  "serial_diff",
  "stats_bucket",
  "sum_bucket",
]);

const SUPPORTED = new Set(["terms", "range", "date_range", "missing", "cardinality", "value_count", "composite", "filter", "filters"]);

/** Most aggregations (all levels) one request may hold (a guard). */
export const MAX_AGGREGATIONS = 100;
/** Nesting depth of sub-aggregations (a guard). */
export const MAX_AGGREGATION_DEPTH = 10;

/**
 * Validates `aggs` (an object of name → definition). Filter queries are translated once here to
 * validate them (with `now`), and again at execution.
 * @throws SecurityError 400 with Elasticsearch's messages: `Unsupported API Keys agg [n] of type
 *   [t]`, `Unsupported aggregation of type [t]` (pipelines), `Unknown aggregation type [t]`,
 *   `Unsupported script value source for [n] agg`, field errors, malformed definitions.
 */
export function parseAggregations(
  aggs: unknown,
  now: number = Date.now(),
  budget: DateWorkBudget = new DateWorkBudget(),
): AggregationRequest {
  const state: ParseState = { count: 0, filters: 0, now, budget };
  return parseLevel(aggs, state, 0, undefined);
}

function parseLevel(aggs: unknown, state: ParseState, depth: number, parentType: string | undefined): AggregationNode[] {
  if (!isPlainObject(aggs)) throw parsingError(`Unexpected token ${Array.isArray(aggs) ? "START_ARRAY" : "VALUE"} in [aggs].`);
  if (depth > MAX_AGGREGATION_DEPTH) throw illegalArgument(`aggregations are nested more than [${MAX_AGGREGATION_DEPTH}] levels deep`);
  const nodes: AggregationNode[] = [];
  for (const [name, definition] of Object.entries(aggs)) {
    if (!/^[^[\]>]+$/.test(name)) {
      throw parsingError(`Invalid aggregation name [${name}]. Aggregation names can contain any character except '[', ']', and '>'`);
    }
    if (!isPlainObject(definition))
      throw parsingError(
        `Aggregation definition for [${name} starts with a [${definition === null ? "VALUE_NULL" : Array.isArray(definition) ? "START_ARRAY" : "VALUE"}], expected a [START_OBJECT].`,
      );
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
      if (!isPlainObject(value)) throw parsingError(`Expected [START_OBJECT] under [meta], but got a [${jsonType(value)}] in [${name}]`);
      meta = value;
    } else if (key === "aggs" || key === "aggregations") {
      if (subsKey !== undefined) throw parsingError(`Found two sub aggregation definitions under [${name}]`);
      if (!isPlainObject(value)) throw parsingError(`Expected [START_OBJECT] under [${key}], but got a [${jsonType(value)}] in [${name}]`);
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
  if (!isPlainObject(body)) throw parsingError(`Expected [START_OBJECT] under [${type}], but got a [${jsonType(body)}] in [${name}]`);
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
