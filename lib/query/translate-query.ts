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
import { SecurityError, illegalArgument } from "../support/security-error.js";
import {
  booleanValue,
  dateValue,
  flattenedCandidates,
  isScalar,
  jsonType,
  keywordValue,
  resolveApiKeyField,
  resolveApiKeyFieldPattern,
  type ApiKeyField,
  type ScalarValue,
} from "./api-key-fields.js";
import { DateWorkBudget } from "./date-work-budget.js";
import { parseDateFormat, type DateFormat } from "./date-format.js";
import { parseDateMathOrUndefined } from "./date-math.js";
import { parseTimeZone, type TimeZone } from "./time-zone.js";
import { and, matchAll, matchNone, nor, or, type MongoFilter } from "./mongo-filter.js";
import { parsingError, queryShardError } from "./query-errors.js";
import { parseSimpleQueryString, type SimpleQueryNode } from "./simple-query-string.js";
import { exactToRegex, prefixToRegex, wildcardMatches, wildcardToRegex, type RegexDialect } from "./wildcard-to-regex.js";

export type { MongoFilter } from "./mongo-filter.js";
export type { RegexDialect } from "./wildcard-to-regex.js";

/** `indices.query.bool.max_nested_depth`. */
export const MAX_QUERY_DEPTH = 30;
/** `indices.query.bool.max_clause_count` (Elasticsearch 8's default floor). */
export const MAX_QUERY_CLAUSES = 4096;
/** `index.max_terms_count`. */
export const MAX_TERMS_COUNT = 65_536;
/** Most `$or` branches a `minimum_should_match` between 1 and the clause count may expand to. */
export const MAX_SHOULD_COMBINATIONS = 1024;

/** The query types Elasticsearch knows but refuses for API keys (the rest are "unknown query"). */
const KNOWN_UNSUPPORTED_QUERIES = new Set([
  "boosting", "combined_fields", "constant_score", "dis_max", "distance_feature", "function_score", "fuzzy",
  "geo_bounding_box", "geo_distance", "geo_grid", "geo_polygon", "geo_shape", "has_child", "has_parent",
  "intervals", "knn", "match_bool_prefix", "match_none", "match_phrase", "match_phrase_prefix", "more_like_this",
  "multi_match", "nested", "parent_id", "percolate", "pinned", "query_string", "rank_feature", "regexp", "rule",
  "script", "script_score", "semantic", "shape", "sparse_vector", "span_containing", "span_field_masking",
  "span_first", "span_multi", "span_near", "span_not", "span_or", "span_term", "span_within", "terms_set",
  "text_expansion", "weighted_tokens", "wrapper",
]);

interface Context {
  readonly now: number;
  readonly regexDialect: RegexDialect;
  readonly budget: DateWorkBudget;
  clauses: number;
}

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
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Translates an Elasticsearch query (the body's `query`) into a MongoDB filter.
 * `undefined`/`null` means `match_all`. `now` anchors date math (`now-1d`).
 * @throws SecurityError 400 for any query, field or value Elasticsearch would refuse here.
 */
export function translateApiKeyQuery(query: unknown, now: number, options: TranslateQueryOptions = {}): MongoFilter {
  if (query === undefined || query === null) return matchAll();
  const context: Context = { now, regexDialect: options.regexDialect ?? "portable", budget: options.budget ?? new DateWorkBudget(), clauses: 0 };
  return translateClause(query, context, 0);
}

function translateClause(query: unknown, context: Context, depth: number): MongoFilter {
  if (depth > MAX_QUERY_DEPTH) {
    throw illegalArgument(
      "The nested depth of the query exceeds the maximum nested depth for queries set in [indices.query.bool.max_nested_depth]",
    );
  }
  if (!isObject(query)) throw parsingError("[_na] query malformed, must start with start_object");
  const keys = Object.keys(query);
  if (keys.length === 0) throw parsingError("query malformed, empty clause found");
  const type = keys[0] as string;
  if (keys.length > 1) throw parsingError(`[${type}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`);
  const body = query[type];
  countClauses(context, 1);
  if (!isObject(body)) {
    if (type === "bool" || SUPPORTED.has(type)) throw parsingError(`[${type}] query malformed, no start_object after query name`);
  }
  switch (type) {
    case "bool":
      return translateBool(body as JsonObject, context, depth);
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
      return translateIds(body as JsonObject);
    case "prefix":
      return translatePrefixOrWildcard(body as JsonObject, "prefix", context);
    case "wildcard":
      return translatePrefixOrWildcard(body as JsonObject, "wildcard", context);
    case "exists":
      return translateExists(body as JsonObject);
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

/** Counts clauses against `indices.query.bool.max_clause_count`, which covers the whole query. */
function countClauses(context: Context, n: number): void {
  context.clauses += n;
  if (context.clauses > MAX_QUERY_CLAUSES) {
    throw illegalArgument(`Query contains too many nested clauses; maxClauseCount is set to ${MAX_QUERY_CLAUSES}`);
  }
}

const SUPPORTED = new Set([
  "match_all", "term", "terms", "match", "ids", "prefix", "wildcard", "exists", "range", "simple_query_string",
]);

/** `boost` and `_name` are accepted by every query; check their types, then ignore them. */
const COMMON_OPTIONS = ["boost", "_name"];

function checkCommonOption(queryName: string, key: string, value: unknown): void {
  if (key === "boost" && typeof value !== "number") throw parsingError(`[${queryName}] query does not support [${key}] of type [${jsonType(value)}]`);
  if (key === "_name" && typeof value !== "string") throw parsingError(`[${queryName}] query does not support [${key}] of type [${jsonType(value)}]`);
}

function checkOnlyKeys(body: JsonObject, queryName: string, allowed: readonly string[]): void {
  for (const [key, value] of Object.entries(body)) {
    if (COMMON_OPTIONS.includes(key)) {
      checkCommonOption(queryName, key, value);
      continue;
    }
    if (!allowed.includes(key)) throw parsingError(`[${queryName}] query does not support [${key}]`);
  }
}

function optionalBoolean(body: JsonObject, key: string, queryName: string): boolean | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  throw parsingError(`[${queryName}] failed to parse field [${key}]`);
}

function optionalString(body: JsonObject, key: string, queryName: string): string | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  throw parsingError(`[${queryName}] failed to parse field [${key}]`);
}

// ---------------------------------------------------------------------------------------------
// bool

const BOOL_OCCURS = ["must", "filter", "should", "must_not"] as const;

function clauseList(value: unknown, context: Context, depth: number): MongoFilter[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((clause) => translateClause(clause, context, depth + 1));
}

function translateBool(body: JsonObject, context: Context, depth: number): MongoFilter {
  checkOnlyKeys(body, "bool", [...BOOL_OCCURS, "minimum_should_match", "adjust_pure_negative"]);
  const must = [...clauseList(body.must ?? [], context, depth), ...clauseList(body.filter ?? [], context, depth)];
  const should = clauseList(body.should ?? [], context, depth);
  const mustNot = clauseList(body.must_not ?? [], context, depth);
  optionalBoolean(body, "adjust_pure_negative", "bool");
  const hasRequired = must.length > 0;
  const msmSpec = body.minimum_should_match;
  let required: number;
  if (msmSpec === undefined || msmSpec === null) {
    required = should.length > 0 && !hasRequired ? 1 : 0;
  } else {
    required = minimumShouldMatch(should.length, msmSpec);
  }
  const parts = [...must];
  if (should.length > 0 && required > 0) parts.push(atLeast(should, required));
  if (mustNot.length > 0) parts.push(nor(mustNot));
  return and(parts);
}

/**
 * Elasticsearch's `Queries.calculateMinShouldMatch`: an integer, a negative integer (all but N),
 * a percentage (`"75%"`, `"-25%"`), or conditional specs (`"3<90%"`, `"2<-25% 9<-3"`).
 */
export function minimumShouldMatch(optionalClauses: number, spec: unknown): number {
  let text: string;
  if (typeof spec === "number" && Number.isInteger(spec)) text = String(spec);
  else if (typeof spec === "string") text = spec.trim();
  else throw parsingError("[bool] failed to parse field [minimum_should_match]");
  const fail = (): never => {
    throw illegalArgument(`Invalid minimum_should_match [${text}]`);
  };
  const single = (part: string): number => {
    const match = /^(-?)(\d+)(%?)$/.exec(part);
    if (!match) return fail();
    const value = Number(match[2]);
    const negative = match[1] === "-";
    let result: number;
    if (match[3] === "%") {
      const computed = Math.floor((optionalClauses * value) / 100);
      result = negative ? optionalClauses - computed : computed;
    } else {
      result = negative ? optionalClauses - value : value;
    }
    return result;
  };
  let result: number;
  if (text.includes("<")) {
    result = optionalClauses;
    for (const condition of text.split(/\s+/)) {
      const [upTo, then] = condition.split("<");
      if (upTo === undefined || then === undefined || !/^\d+$/.test(upTo)) fail();
      if (optionalClauses > Number(upTo)) result = single(then as string);
    }
  } else {
    result = single(text);
  }
  return result < 0 ? 0 : result;
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) {
    result = (result * (n - k + i)) / i;
    if (result > MAX_SHOULD_COMBINATIONS) return result;
  }
  return result;
}

/** At least `required` of `clauses`: an `$or` over the combinations (bounded). */
function atLeast(clauses: readonly MongoFilter[], required: number): MongoFilter {
  if (required > clauses.length) return matchNone();
  if (required <= 1) return or(clauses);
  if (required === clauses.length) return and(clauses);
  if (binomial(clauses.length, required) > MAX_SHOULD_COMBINATIONS) {
    throw illegalArgument(
      `[bool] minimum_should_match [${required}] of [${clauses.length}] should clauses is too expensive to translate; ` +
        `at most [${MAX_SHOULD_COMBINATIONS}] combinations are supported`,
    );
  }
  const combinations: MongoFilter[] = [];
  const pick = (start: number, chosen: MongoFilter[]): void => {
    if (chosen.length === required) {
      combinations.push(and(chosen));
      return;
    }
    for (let i = start; i <= clauses.length - (required - chosen.length); i++) {
      pick(i + 1, [...chosen, clauses[i] as MongoFilter]);
    }
  };
  pick(0, []);
  return or(combinations);
}

// ---------------------------------------------------------------------------------------------
// Field-level filters

function fieldFilter(field: ApiKeyField, condition: Record<string, unknown>): MongoFilter {
  return { [field.path]: condition };
}

/** Documents whose field equals `term` (keyword semantics; `type`'s missing value included). */
function keywordEquals(field: ApiKeyField, term: string): MongoFilter {
  if (field.flattened === "path") {
    const candidates = flattenedCandidates(term);
    return fieldFilter(field, candidates.length === 1 ? { $eq: term } : { $in: candidates });
  }
  if (field.missingAs !== undefined && field.missingAs === term) return fieldFilter(field, { $in: [term, null] });
  return fieldFilter(field, { $eq: term });
}

function keywordIn(field: ApiKeyField, terms: readonly string[]): MongoFilter {
  if (terms.length === 0) return matchNone();
  const values: Array<string | number | boolean | null> = [];
  const seen = new Set<string>();
  for (const term of terms) {
    const candidates = field.flattened === "path" ? flattenedCandidates(term) : [term];
    for (const candidate of candidates) {
      const key = `${typeof candidate}:${String(candidate)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      values.push(candidate);
    }
    if (field.missingAs !== undefined && field.missingAs === term && !seen.has("null")) {
      seen.add("null");
      values.push(null);
    }
  }
  if (values.length === 1 && values[0] !== null) return fieldFilter(field, { $eq: values[0] });
  return fieldFilter(field, { $in: values });
}

/** Documents whose (string) field matches an anchored regex we built; `matchesMissing` adds `type`'s missing docs. */
function keywordRegex(field: ApiKeyField, source: string, caseInsensitive: boolean, matchesMissing: boolean, extra?: MongoFilter): MongoFilter {
  const condition = caseInsensitive ? { $regex: source, $options: "i" } : { $regex: source };
  const filters = [fieldFilter(field, condition)];
  if (extra) filters.push(extra);
  if (field.missingAs !== undefined && matchesMissing) filters.push(fieldFilter(field, { $eq: null }));
  return or(filters);
}

function caseInsensitiveTerm(field: ApiKeyField, term: string, queryName: string): MongoFilter {
  const source = exactToRegex(term, queryName);
  const missingMatches = field.missingAs !== undefined && field.missingAs.toLowerCase() === term.toLowerCase();
  let extra: MongoFilter | undefined;
  if (field.flattened === "path") {
    const nonStrings = flattenedCandidates(term.toLowerCase()).filter((c) => typeof c !== "string");
    if (nonStrings.length > 0) extra = fieldFilter(field, nonStrings.length === 1 ? { $eq: nonStrings[0] } : { $in: nonStrings });
  }
  return keywordRegex(field, source, true, missingMatches, extra);
}

function dateTerm(field: ApiKeyField, value: unknown, context: Context, format?: DateFormat, timeZone?: TimeZone): MongoFilter {
  const lower = dateValue(value, { now: context.now, roundUp: false, format, timeZone, budget: context.budget });
  const upper = dateValue(value, { now: context.now, roundUp: true, format, timeZone, budget: context.budget });
  return dateSpan(field, lower, upper);
}

/** Documents whose date lies within what a date text covers (`2024-01` covers the whole month). */
function dateSpan(field: ApiKeyField, lower: number, upper: number): MongoFilter {
  if (lower === upper) return fieldFilter(field, { $eq: lower });
  return fieldFilter(field, { $gte: lower, $lte: upper });
}

function rejectCaseInsensitive(field: ApiKeyField): never {
  throw queryShardError(
    `[${field.indexName}] field which is of type [${field.kind}], does not support case insensitive term queries`,
  );
}

/** The filter of a `term` query (also `match`, `terms` members, `simple_query_string` terms). */
function termFilter(field: ApiKeyField, value: ScalarValue, caseInsensitive: boolean, queryName: string, context: Context): MongoFilter {
  switch (field.kind) {
    case "date":
      if (caseInsensitive) rejectCaseInsensitive(field);
      return dateTerm(field, value, context);
    case "boolean":
      if (caseInsensitive) rejectCaseInsensitive(field);
      return fieldFilter(field, { $eq: booleanValue(value) });
    case "keyword": {
      const term = keywordValue(value, queryName);
      return caseInsensitive ? caseInsensitiveTerm(field, term, queryName) : keywordEquals(field, term);
    }
  }
}

function existsFilter(field: ApiKeyField): MongoFilter {
  if (field.missingAs !== undefined) return matchAll();
  if (field.flattened === "root") return fieldFilter(field, { $type: "string" });
  if (field.flattened === "path") return fieldFilter(field, { $type: ["string", "number", "bool"] });
  return fieldFilter(field, { $ne: null });
}

// ---------------------------------------------------------------------------------------------
// Single-field queries: {"<query>": {"<field>": value | {options}}}

function singleField(body: JsonObject, queryName: string): [string, unknown] {
  const entries = Object.entries(body);
  if (entries.length === 0) throw illegalArgument("field name is null or empty");
  if (entries.length > 1) {
    throw parsingError(`[${queryName}] query doesn't support multiple fields, found [${entries[0]?.[0]}] and [${entries[1]?.[0]}]`);
  }
  return entries[0] as [string, unknown];
}

function scalarOrFail(value: unknown, queryName: string, key: string): ScalarValue {
  if (value === null || value === undefined) throw illegalArgument("value cannot be null");
  if (Array.isArray(value)) throw parsingError(`[${queryName}] query does not support array of values`);
  if (!isScalar(value)) throw parsingError(`[${queryName}] query does not support [${key}]`);
  return value;
}

function translateTerm(body: JsonObject, context: Context): MongoFilter {
  const [fieldName, raw] = singleField(body, "term");
  let value: ScalarValue;
  let caseInsensitive = false;
  if (isObject(raw)) {
    checkOnlyKeys(raw, "term", ["value", "case_insensitive"]);
    value = scalarOrFail(raw.value, "term", "value");
    caseInsensitive = optionalBoolean(raw, "case_insensitive", "term") ?? false;
  } else {
    value = scalarOrFail(raw, "term", fieldName);
  }
  const field = resolveApiKeyField(fieldName);
  return termFilter(field, value, caseInsensitive, "term", context);
}

function translateTerms(body: JsonObject, context: Context): MongoFilter {
  let fieldName: string | undefined;
  let values: unknown;
  for (const [key, value] of Object.entries(body)) {
    if (COMMON_OPTIONS.includes(key)) {
      checkCommonOption("terms", key, value);
      continue;
    }
    if (fieldName !== undefined) throw parsingError("[terms] query does not support multiple fields");
    fieldName = key;
    values = value;
  }
  if (fieldName === undefined) throw parsingError("[terms] query requires a field name, followed by array of terms or a document lookup specification");
  if (isObject(values)) throw illegalArgument("terms query with terms lookup is not currently supported in this context");
  if (!Array.isArray(values)) throw parsingError(`[terms] query does not support [${fieldName}]`);
  if (values.length > MAX_TERMS_COUNT) {
    throw illegalArgument(
      `The number of terms [${values.length}] used in the Terms Query request has exceeded the allowed maximum of [${MAX_TERMS_COUNT}]. ` +
        "This maximum can be set by changing the [index.max_terms_count] index level setting.",
    );
  }
  const scalars = values.map((value) => {
    if (value === null || value === undefined) throw illegalArgument("No value specified for terms query");
    if (!isScalar(value)) throw parsingError(`[terms] query does not support values of type [${jsonType(value)}]`);
    return value;
  });
  const field = resolveApiKeyField(fieldName);
  if (scalars.length === 0) return matchNone();
  switch (field.kind) {
    case "keyword":
      return keywordIn(field, scalars.map((value) => keywordValue(value, "terms")));
    case "boolean": {
      const booleans = [...new Set(scalars.map((value) => booleanValue(value)))];
      return fieldFilter(field, booleans.length === 1 ? { $eq: booleans[0] } : { $in: booleans });
    }
    case "date":
      return or(scalars.map((value) => dateTerm(field, value, context)));
  }
}

const MATCH_OPTIONS = [
  "query", "operator", "analyzer", "fuzziness", "prefix_length", "max_expansions", "fuzzy_transpositions", "lenient",
  "zero_terms_query", "auto_generate_synonyms_phrase_query", "minimum_should_match", "fuzzy_rewrite", "cutoff_frequency",
];

function translateMatch(body: JsonObject, context: Context): MongoFilter {
  const [fieldName, raw] = singleField(body, "match");
  let value: unknown = raw;
  let valueKey = fieldName;
  let lenient = false;
  if (isObject(raw)) {
    checkOnlyKeys(raw, "match", MATCH_OPTIONS);
    value = raw.query;
    valueKey = "query";
    lenient = optionalBoolean(raw, "lenient", "match") ?? false;
    const operator = optionalString(raw, "operator", "match");
    if (operator !== undefined && !/^(and|or)$/i.test(operator)) {
      throw illegalArgument(`operator needs to be either and, or, but not [${operator}]`);
    }
  }
  if (value === null || value === undefined) throw illegalArgument("[match] requires query value");
  if (!isScalar(value)) throw parsingError(`[match] query does not support [${valueKey}]`);
  const field = resolveApiKeyField(fieldName);
  // Keyword fields are not tokenized: the whole text is the one term, so `operator` cannot matter.
  try {
    return termFilter(field, value, false, "match", context);
  } catch (error) {
    if (lenient && error instanceof SecurityError && field.kind !== "keyword") return matchNone();
    throw error;
  }
}

function translateIds(body: JsonObject): MongoFilter {
  checkOnlyKeys(body, "ids", ["values", "type"]);
  const values = body.values;
  if (values === undefined) return matchNone();
  if (!Array.isArray(values)) throw parsingError("[ids] failed to parse field [values]");
  if (values.length > MAX_TERMS_COUNT) throw illegalArgument(`[ids] query has more than [${MAX_TERMS_COUNT}] values`);
  const ids = values.map((value) => {
    if (typeof value === "string") return value;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
    throw parsingError("[ids] failed to parse field [values]");
  });
  if (ids.length === 0) return matchNone();
  return { _id: { $in: [...new Set(ids)] } };
}

function translatePrefixOrWildcard(body: JsonObject, queryName: "prefix" | "wildcard", context: Context): MongoFilter {
  const [fieldName, raw] = singleField(body, queryName);
  let value: ScalarValue;
  let caseInsensitive = false;
  if (isObject(raw)) {
    const valueKeys = queryName === "wildcard" ? ["value", "wildcard"] : ["value"];
    checkOnlyKeys(raw, queryName, [...valueKeys, "case_insensitive", "rewrite"]);
    optionalString(raw, "rewrite", queryName);
    const key = valueKeys.find((k) => raw[k] !== undefined) ?? "value";
    value = scalarOrFail(raw[key], queryName, key);
    caseInsensitive = optionalBoolean(raw, "case_insensitive", queryName) ?? false;
  } else {
    value = scalarOrFail(raw, queryName, fieldName);
  }
  const field = resolveApiKeyField(fieldName);
  if (field.kind !== "keyword") {
    throw queryShardError(
      `Can only use ${queryName} queries on keyword, text and wildcard fields - not on [${field.indexName}] which is of type [${field.kind}]`,
    );
  }
  const text = keywordValue(value, queryName);
  const source = queryName === "prefix" ? prefixToRegex(text) : wildcardToRegex(text, "wildcard", context.regexDialect);
  let missingMatches = false;
  if (field.missingAs !== undefined) {
    missingMatches =
      queryName === "prefix"
        ? (caseInsensitive ? field.missingAs.toLowerCase().startsWith(text.toLowerCase()) : field.missingAs.startsWith(text))
        : wildcardMatches(text, field.missingAs, caseInsensitive);
  }
  return keywordRegex(field, source, caseInsensitive, missingMatches);
}

function translateExists(body: JsonObject): MongoFilter {
  checkOnlyKeys(body, "exists", ["field"]);
  if (body.field === undefined) throw parsingError("[exists] must be provided with a [field]");
  if (typeof body.field !== "string") throw parsingError("[exists] failed to parse field [field]");
  return existsFilter(resolveApiKeyField(body.field));
}

// ---------------------------------------------------------------------------------------------
// range

const RANGE_OPTIONS = ["gt", "gte", "lt", "lte", "from", "to", "include_lower", "include_upper", "format", "time_zone", "relation"];

type Bound = { value: ScalarValue; inclusive: boolean };

function rangeBound(raw: JsonObject, key: string): ScalarValue | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (!isScalar(value)) throw parsingError(`[range] query does not support [${key}] of type [${jsonType(value)}]`);
  return value;
}

function translateRange(body: JsonObject, context: Context): MongoFilter {
  const [fieldName, raw] = singleField(body, "range");
  if (!isObject(raw)) throw parsingError(`[range] query does not support [${fieldName}]`);
  checkOnlyKeys(raw, "range", RANGE_OPTIONS);
  if (raw.relation !== undefined) throw illegalArgument("range query with relation is not currently supported in this context");
  let lower: Bound | undefined;
  let upper: Bound | undefined;
  const from = rangeBound(raw, "from");
  const to = rangeBound(raw, "to");
  const includeLower = optionalBoolean(raw, "include_lower", "range") ?? true;
  const includeUpper = optionalBoolean(raw, "include_upper", "range") ?? true;
  if (from !== undefined) lower = { value: from, inclusive: includeLower };
  if (to !== undefined) upper = { value: to, inclusive: includeUpper };
  const gt = rangeBound(raw, "gt");
  const gte = rangeBound(raw, "gte");
  const lt = rangeBound(raw, "lt");
  const lte = rangeBound(raw, "lte");
  if (gt !== undefined) lower = { value: gt, inclusive: false };
  if (gte !== undefined) lower = { value: gte, inclusive: true };
  if (lt !== undefined) upper = { value: lt, inclusive: false };
  if (lte !== undefined) upper = { value: lte, inclusive: true };
  const formatOption = optionalString(raw, "format", "range");
  const zoneOption = optionalString(raw, "time_zone", "range");
  const field = resolveApiKeyField(fieldName);
  if (lower === undefined && upper === undefined) return existsFilter(field);

  if (field.kind === "date") {
    const format = formatOption !== undefined ? parseDateFormat(formatOption) : undefined;
    const timeZone = zoneOption !== undefined ? parseTimeZone(zoneOption) : undefined;
    const condition: Record<string, number> = {};
    // Elasticsearch rounds exclusive lower and inclusive upper bounds up (`gt: now/d` = after today).
    if (lower) condition[lower.inclusive ? "$gte" : "$gt"] = dateValue(lower.value, { now: context.now, roundUp: !lower.inclusive, format, timeZone, budget: context.budget });
    if (upper) condition[upper.inclusive ? "$lte" : "$lt"] = dateValue(upper.value, { now: context.now, roundUp: upper.inclusive, format, timeZone, budget: context.budget });
    return fieldFilter(field, condition);
  }
  if (field.kind === "boolean") {
    const condition: Record<string, boolean> = {};
    if (lower) condition[lower.inclusive ? "$gte" : "$gt"] = booleanValue(lower.value);
    if (upper) condition[upper.inclusive ? "$lte" : "$lt"] = booleanValue(upper.value);
    return fieldFilter(field, condition);
  }
  // Keywords compare as strings (flattened metadata: only string-valued leaves, see the README notes).
  const condition: Record<string, string> = {};
  const lowerText = lower ? keywordValue(lower.value, "range") : undefined;
  const upperText = upper ? keywordValue(upper.value, "range") : undefined;
  if (lower && lowerText !== undefined) condition[lower.inclusive ? "$gte" : "$gt"] = lowerText;
  if (upper && upperText !== undefined) condition[upper.inclusive ? "$lte" : "$lt"] = upperText;
  const filter = fieldFilter(field, condition);
  if (field.missingAs !== undefined) {
    const missing = field.missingAs;
    const aboveLower = lowerText === undefined || (lower?.inclusive ? missing >= lowerText : missing > lowerText);
    const belowUpper = upperText === undefined || (upper?.inclusive ? missing <= upperText : missing < upperText);
    if (aboveLower && belowUpper) return or([filter, fieldFilter(field, { $eq: null })]);
  }
  return filter;
}

// ---------------------------------------------------------------------------------------------
// simple_query_string

const SIMPLE_QUERY_OPTIONS = [
  "query", "fields", "default_operator", "analyzer", "flags", "lenient", "minimum_should_match", "quote_field_suffix",
  "analyze_wildcard", "auto_generate_synonyms_phrase_query", "fuzzy_prefix_length", "fuzzy_max_expansions",
  "fuzzy_transpositions", "type",
];

function translateSimpleQueryString(body: JsonObject, context: Context): MongoFilter {
  checkOnlyKeys(body, "simple_query_string", SIMPLE_QUERY_OPTIONS);
  if (body.query === undefined || body.query === null) throw parsingError("[simple_query_string] query text missing");
  if (typeof body.query !== "string") throw parsingError("[simple_query_string] failed to parse field [query]");
  const text = body.query;
  let fieldNames: string[] = ["*"];
  if (body.fields !== undefined) {
    if (!Array.isArray(body.fields) || !body.fields.every((f): f is string => typeof f === "string")) {
      throw parsingError("[simple_query_string] failed to parse field [fields]");
    }
    if (body.fields.length > 0) fieldNames = body.fields;
  }
  const operatorText = optionalString(body, "default_operator", "simple_query_string") ?? "or";
  if (!/^(and|or)$/i.test(operatorText)) throw illegalArgument(`operator needs to be either and, or, but not [${operatorText}]`);
  const defaultOperator = operatorText.toLowerCase() === "and" ? "and" : "or";
  const allFields = fieldNames.length === 1 && fieldNames[0] === "*";
  // Like Elasticsearch: querying every field forces lenient, or date fields would fail every text.
  const lenient = allFields || (optionalBoolean(body, "lenient", "simple_query_string") ?? false);

  if (fieldNames.length > MAX_QUERY_CLAUSES) {
    throw illegalArgument(`Query contains too many nested clauses; maxClauseCount is set to ${MAX_QUERY_CLAUSES}`);
  }
  const fields = new Map<string, ApiKeyField>();
  for (const entry of fieldNames) {
    const name = entry.replace(/\^[0-9.]*$/, "");
    for (const field of resolveApiKeyFieldPattern(name)) fields.set(field.path, field);
  }
  if (fields.size === 0) return matchNone();
  const tree = parseSimpleQueryString(text, defaultOperator);
  if (tree === undefined) return matchNone();
  const filter = translateSimpleNode(tree, [...fields.values()], lenient, context);
  return filter ?? matchNone();
}

function translateSimpleNode(node: SimpleQueryNode, fields: readonly ApiKeyField[], lenient: boolean, context: Context): MongoFilter | undefined {
  switch (node.kind) {
    case "term": {
      // One clause per field, as Elasticsearch expands a multi-field term: a long text over many
      // fields must not build millions of filters.
      countClauses(context, fields.length);
      const perField: MongoFilter[] = [];
      for (const field of fields) {
        const filter = simpleTermFilter(node.text, node.prefix, field, lenient, context);
        if (filter !== undefined) perField.push(filter);
      }
      return perField.length === 0 ? undefined : or(perField);
    }
    case "not": {
      const child = translateSimpleNode(node.child, fields, lenient, context);
      return child === undefined ? undefined : nor([child]);
    }
    case "bool": {
      const children = node.children
        .map((child) => translateSimpleNode(child, fields, lenient, context))
        .filter((child): child is MongoFilter => child !== undefined);
      if (children.length === 0) return undefined;
      return node.operator === "and" ? and(children) : or(children);
    }
  }
}

function simpleTermFilter(text: string, prefix: boolean, field: ApiKeyField, lenient: boolean, context: Context): MongoFilter | undefined {
  try {
    if (prefix) {
      if (field.kind !== "keyword") {
        throw queryShardError(
          `Can only use prefix queries on keyword, text and wildcard fields - not on [${field.indexName}] which is of type [${field.kind}]`,
        );
      }
      const matchesMissing = field.missingAs !== undefined && field.missingAs.startsWith(text);
      return keywordRegex(field, prefixToRegex(text), false, matchesMissing);
    }
    if (lenient && field.kind === "date") {
      // Most words are not dates: skipped without building an exception for each field and term.
      const options = { now: context.now, budget: context.budget };
      const lower = parseDateMathOrUndefined(text, options);
      const upper = lower === undefined ? undefined : parseDateMathOrUndefined(text, { ...options, roundUp: true });
      return lower === undefined || upper === undefined ? undefined : dateSpan(field, lower, upper);
    }
    if (lenient && field.kind === "boolean" && text !== "true" && text !== "false" && text !== "") return undefined;
    return termFilter(field, text, false, "simple_query_string", context);
  } catch (error) {
    if (lenient && error instanceof SecurityError) return undefined;
    throw error;
  }
}
