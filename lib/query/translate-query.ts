/**
 * Translates the Query API keys request's `query` (Elasticsearch query DSL) into a MongoDB filter
 * over the stored API-key documents, through the field allow-list of `api-key-fields.ts`.
 *
 * Supported, as in Elasticsearch's `FieldNameTranslators`: `bool`, `match_all`, `term`, `terms`,
 * `match`, `ids`, `prefix`, `wildcard`, `exists`, `range`, `simple_query_string`. Every filter
 * object is built here from validated primitives: a request object never reaches MongoDB, so a
 * value like `{"$gt": ""}` where a term is expected is a 400, not an operator.
 *
 * Scoring options (`boost`, `_name`, `rewrite`, `analyzer`, fuzziness...) are accepted and have no
 * effect: results are not scored.
 */
import { isPlainObject } from "../support/is-plain-object.js";
import { illegalArgument } from "../support/security-error.js";
import { DateWorkBudget } from "./date-work-budget.js";
import { API_KEY_FIELD_TABLE, type FieldTable } from "./field-table.js";
import { matchAll, type MongoFilter } from "./mongo-filter.js";
import { checkOnlyKeys, countClauses, type JsonObject, type QueryContext } from "./query-context.js";
import { parsingError } from "./query-errors.js";
import { translateBool } from "./translate-bool.js";
import {
  translateExists,
  translateIds,
  translateMatch,
  translatePrefixOrWildcard,
  translateTerm,
  translateTerms,
} from "./term-level-queries.js";
import { translateRange } from "./translate-range.js";
import { translateSimpleQueryString } from "./translate-simple-query-string.js";
import type { RegexDialect } from "./wildcard-to-regex.js";

export type { MongoFilter } from "./mongo-filter.js";
export type { RegexDialect } from "./wildcard-to-regex.js";

/** `indices.query.bool.max_nested_depth`. */
export const MAX_QUERY_DEPTH = 30;

/** The query types Elasticsearch knows but refuses for API keys (the rest are "unknown query"). */
const KNOWN_UNSUPPORTED_QUERIES = new Set([
  "boosting",
  "combined_fields",
  "constant_score",
  "dis_max",
  "distance_feature",
  "function_score",
  "fuzzy",
  "geo_bounding_box",
  "geo_distance",
  "geo_grid",
  "geo_polygon",
  "geo_shape",
  "has_child",
  "has_parent",
  "intervals",
  "knn",
  "match_bool_prefix",
  "match_none",
  "match_phrase",
  "match_phrase_prefix",
  "more_like_this",
  "multi_match",
  "nested",
  "parent_id",
  "percolate",
  "pinned",
  "query_string",
  "rank_feature",
  "regexp",
  "rule",
  "script",
  "script_score",
  "semantic",
  "shape",
  "sparse_vector",
  "span_containing",
  "span_field_masking",
  "span_first",
  "span_multi",
  "span_near",
  "span_not",
  "span_or",
  "span_term",
  "span_within",
  "terms_set",
  "text_expansion",
  "weighted_tokens",
  "wrapper",
]);

/** Options of {@link translateApiKeyQuery}. */
export interface TranslateQueryOptions {
  /**
   * The server's regex dialect (default `"portable"`): `"pcre"` (MongoDB) lets wildcard patterns
   * use atomic groups, which keeps multi-`*` patterns linear-time.
   */
  readonly regexDialect?: RegexDialect | undefined;
  /**
   * The request's allowance of zoned date math, shared by every query of one request (the main
   * query and the aggregation filters). Default: a fresh one for this query.
   */
  readonly budget?: DateWorkBudget | undefined;
  /** The fields the query may name. Default: the API-key fields. */
  readonly fields?: FieldTable | undefined;
}

/**
 * Translates an Elasticsearch query (the body's `query`) into a MongoDB filter.
 * `undefined`/`null` means `match_all`. `now` anchors date math (`now-1d`).
 * @throws SecurityError 400 for any query, field or value Elasticsearch would refuse here.
 */
export function translateApiKeyQuery(query: unknown, now: number, options: TranslateQueryOptions = {}): MongoFilter {
  if (query === undefined || query === null) return matchAll();
  const context: QueryContext = {
    now,
    regexDialect: options.regexDialect ?? "portable",
    budget: options.budget ?? new DateWorkBudget(),
    fields: options.fields ?? API_KEY_FIELD_TABLE,
    clauses: 0,
  };
  return translateClause(query, context, 0);
}

function translateClause(query: unknown, context: QueryContext, depth: number): MongoFilter {
  if (depth > MAX_QUERY_DEPTH) {
    throw illegalArgument(
      "The nested depth of the query exceeds the maximum nested depth for queries set in [indices.query.bool.max_nested_depth]",
    );
  }
  if (!isPlainObject(query)) throw parsingError("[_na] query malformed, must start with start_object");
  const keys = Object.keys(query);
  if (keys.length === 0) throw parsingError("query malformed, empty clause found");
  const type = keys[0] as string;
  if (keys.length > 1) throw parsingError(`[${type}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`);
  const body = query[type];
  countClauses(context, 1);
  if (!isPlainObject(body)) {
    if (type === "bool" || SUPPORTED.has(type)) throw parsingError(`[${type}] query malformed, no start_object after query name`);
  }
  switch (type) {
    case "bool":
      return translateBool(body as JsonObject, context, depth, translateClause);
    case "match_all":
      checkOnlyKeys(body as JsonObject, "match_all", []);
      return matchAll();
    case "term":
      return translateTerm(body as JsonObject, context);
    case "terms":
      return translateTerms(body as JsonObject, context);
    case "match":
      return translateMatch(body as JsonObject, context);
    case "ids":
      return translateIds(body as JsonObject, context);
    case "prefix":
      return translatePrefixOrWildcard(body as JsonObject, "prefix", context);
    case "wildcard":
      return translatePrefixOrWildcard(body as JsonObject, "wildcard", context);
    case "exists":
      return translateExists(body as JsonObject, context);
    case "range":
      return translateRange(body as JsonObject, context);
    case "simple_query_string":
      return translateSimpleQueryString(body as JsonObject, context);
    default:
      if (KNOWN_UNSUPPORTED_QUERIES.has(type)) {
        throw illegalArgument(`Query type [${type}] is not currently supported in this context`);
      }
      throw parsingError(`unknown query [${type}]`);
  }
}

const SUPPORTED = new Set(["match_all", "term", "terms", "match", "ids", "prefix", "wildcard", "exists", "range", "simple_query_string"]);
