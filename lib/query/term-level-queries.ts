/**
 * The term-level queries: `term`, `terms`, `match` (a term: keywords are not tokenized), `ids`,
 * `prefix`, `wildcard` and `exists`.
 */
import { isPlainObject } from "../support/is-plain-object.js";
import { SecurityError, illegalArgument } from "../support/security-error.js";
import { booleanValue, isScalar, jsonType, keywordValue, longValue, type ScalarValue } from "./api-key-fields.js";
import { analyzedMatch, booleanIn, dateTerm, existsFilter, fieldFilter, keywordIn, keywordRegex, termFilter } from "./field-filters.js";
import { matchNone, or, type MongoFilter } from "./mongo-filter.js";
import {
  COMMON_OPTIONS,
  checkCommonOption,
  checkOnlyKeys,
  optionalBoolean,
  optionalString,
  scalarOrFail,
  singleField,
  type JsonObject,
  type QueryContext,
} from "./query-context.js";
import { parsingError, queryShardError } from "./query-errors.js";
import { prefixToRegex, wildcardMatches, wildcardToRegex } from "./wildcard-to-regex.js";

/** `index.max_terms_count`. */
export const MAX_TERMS_COUNT = 65_536;

export function translateTerm(body: JsonObject, context: QueryContext): MongoFilter {
  const [fieldName, raw] = singleField(body, "term");
  let value: ScalarValue;
  let caseInsensitive = false;
  if (isPlainObject(raw)) {
    checkOnlyKeys(raw, "term", ["value", "case_insensitive"]);
    value = scalarOrFail(raw.value, "term", "value");
    caseInsensitive = optionalBoolean(raw, "case_insensitive", "term") ?? false;
  } else {
    value = scalarOrFail(raw, "term", fieldName);
  }
  const field = context.fields.resolve(fieldName);
  return termFilter(field, value, caseInsensitive, "term", context);
}

export function translateTerms(body: JsonObject, context: QueryContext): MongoFilter {
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
  if (fieldName === undefined)
    throw parsingError("[terms] query requires a field name, followed by array of terms or a document lookup specification");
  if (isPlainObject(values)) throw illegalArgument("terms query with terms lookup is not currently supported in this context");
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
  const field = context.fields.resolve(fieldName);
  if (scalars.length === 0) return matchNone();
  switch (field.kind) {
    case "keyword":
      return keywordIn(
        field,
        scalars.map((value) => keywordValue(value, "terms")),
      );
    case "boolean":
      return booleanIn(
        field,
        scalars.map((value) => booleanValue(value)),
      );
    case "date":
      return or(scalars.map((value) => dateTerm(field, value, context)));
    case "long":
      return fieldFilter(field, { $in: [...new Set(scalars.map((value) => longValue(value)))] });
  }
}

const MATCH_OPTIONS = [
  "query",
  "operator",
  "analyzer",
  "fuzziness",
  "prefix_length",
  "max_expansions",
  "fuzzy_transpositions",
  "lenient",
  "zero_terms_query",
  "auto_generate_synonyms_phrase_query",
  "minimum_should_match",
  "fuzzy_rewrite",
  "cutoff_frequency",
];

export function translateMatch(body: JsonObject, context: QueryContext): MongoFilter {
  const [fieldName, raw] = singleField(body, "match");
  let value: unknown = raw;
  let valueKey = fieldName;
  let lenient = false;
  let operator: "and" | "or" = "or";
  if (isPlainObject(raw)) {
    checkOnlyKeys(raw, "match", MATCH_OPTIONS);
    value = raw.query;
    valueKey = "query";
    lenient = optionalBoolean(raw, "lenient", "match") ?? false;
    const operatorText = optionalString(raw, "operator", "match");
    if (operatorText !== undefined && !/^(and|or)$/i.test(operatorText)) {
      throw illegalArgument(`operator needs to be either and, or, but not [${operatorText}]`);
    }
    if (operatorText?.toLowerCase() === "and") operator = "and";
  }
  if (value === null || value === undefined) throw illegalArgument("[match] requires query value");
  if (!isScalar(value)) throw parsingError(`[match] query does not support [${valueKey}]`);
  const field = context.fields.resolve(fieldName);
  if (field.analyzed) return analyzedMatch(field, keywordValue(value, "match"), operator, context);
  // Keyword fields are not tokenized: the whole text is the one term, so `operator` cannot matter.
  try {
    return termFilter(field, value, false, "match", context);
  } catch (error) {
    if (lenient && error instanceof SecurityError && field.kind !== "keyword") return matchNone();
    throw error;
  }
}

export function translateIds(body: JsonObject, context: QueryContext): MongoFilter {
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
  const stored = ids.map((id) => context.fields.storedId(id)).filter((id): id is string => id !== undefined);
  if (stored.length === 0) return matchNone();
  return { _id: { $in: [...new Set(stored)] } };
}

export function translatePrefixOrWildcard(body: JsonObject, queryName: "prefix" | "wildcard", context: QueryContext): MongoFilter {
  const [fieldName, raw] = singleField(body, queryName);
  let value: ScalarValue;
  let caseInsensitive = false;
  if (isPlainObject(raw)) {
    const valueKeys = queryName === "wildcard" ? ["value", "wildcard"] : ["value"];
    checkOnlyKeys(raw, queryName, [...valueKeys, "case_insensitive", "rewrite"]);
    optionalString(raw, "rewrite", queryName);
    const key = valueKeys.find((k) => raw[k] !== undefined) ?? "value";
    value = scalarOrFail(raw[key], queryName, key);
    caseInsensitive = optionalBoolean(raw, "case_insensitive", queryName) ?? false;
  } else {
    value = scalarOrFail(raw, queryName, fieldName);
  }
  const field = context.fields.resolve(fieldName);
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
        ? caseInsensitive
          ? field.missingAs.toLowerCase().startsWith(text.toLowerCase())
          : field.missingAs.startsWith(text)
        : wildcardMatches(text, field.missingAs, caseInsensitive);
  }
  return keywordRegex(field, source, caseInsensitive, missingMatches);
}

export function translateExists(body: JsonObject, context: QueryContext): MongoFilter {
  checkOnlyKeys(body, "exists", ["field"]);
  if (body.field === undefined) throw parsingError("[exists] must be provided with a [field]");
  if (typeof body.field !== "string") throw parsingError("[exists] failed to parse field [field]");
  return existsFilter(context.fields.resolve(body.field));
}
