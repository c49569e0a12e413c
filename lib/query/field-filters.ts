/**
 * The filters of one allowed field (equality, sets, anchored regexes, date spans, presence), built
 * from validated values with the field's semantics: flattened metadata, `type`'s missing value.
 */
import {
  booleanValue,
  dateValue,
  flattenedCandidates,
  keywordValue,
  longValue,
  type ApiKeyField,
  type ScalarValue,
} from "./api-key-fields.js";
import type { DateFormat } from "./date-format.js";
import { distinctTextTokens } from "../support/text-tokens.js";
import { and, matchAll, matchNone, or, type MongoFilter } from "./mongo-filter.js";
import { countClauses, type QueryContext } from "./query-context.js";
import { queryShardError } from "./query-errors.js";
import type { TimeZone } from "./time-zone.js";
import { exactToRegex } from "./wildcard-to-regex.js";

export function fieldFilter(field: ApiKeyField, condition: Record<string, unknown>): MongoFilter {
  return { [field.path]: condition };
}

/** Documents whose field equals `term` (keyword semantics; `type`'s missing value included). */
export function keywordEquals(field: ApiKeyField, term: string): MongoFilter {
  if (field.flattened === "path") {
    const candidates = flattenedCandidates(term);
    return fieldFilter(field, candidates.length === 1 ? { $eq: term } : { $in: candidates });
  }
  if (field.missingAs !== undefined && field.missingAs === term) return fieldFilter(field, { $in: [term, null] });
  return fieldFilter(field, { $eq: term });
}

export function keywordIn(field: ApiKeyField, terms: readonly string[]): MongoFilter {
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
export function keywordRegex(
  field: ApiKeyField,
  source: string,
  caseInsensitive: boolean,
  matchesMissing: boolean,
  extra?: MongoFilter,
): MongoFilter {
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

export function dateTerm(field: ApiKeyField, value: unknown, context: QueryContext, format?: DateFormat, timeZone?: TimeZone): MongoFilter {
  const lower = dateValue(value, { now: context.now, roundUp: false, format, timeZone, budget: context.budget });
  const upper = dateValue(value, { now: context.now, roundUp: true, format, timeZone, budget: context.budget });
  return dateSpan(field, lower, upper);
}

/** Documents whose date lies within what a date text covers (`2024-01` covers the whole month). */
export function dateSpan(field: ApiKeyField, lower: number, upper: number): MongoFilter {
  if (lower === upper) return fieldFilter(field, { $eq: lower });
  return fieldFilter(field, { $gte: lower, $lte: upper });
}

function rejectCaseInsensitive(field: ApiKeyField): never {
  throw queryShardError(`[${field.indexName}] field which is of type [${field.kind}], does not support case insensitive term queries`);
}

/** The filter of a `term` query (also `match`, `terms` members, `simple_query_string` terms). */
export function termFilter(
  field: ApiKeyField,
  value: ScalarValue,
  caseInsensitive: boolean,
  queryName: string,
  context: QueryContext,
): MongoFilter {
  switch (field.kind) {
    case "date":
      if (caseInsensitive) rejectCaseInsensitive(field);
      return dateTerm(field, value, context);
    case "boolean":
      if (caseInsensitive) rejectCaseInsensitive(field);
      return booleanIn(field, [booleanValue(value)]);
    case "long":
      if (caseInsensitive) rejectCaseInsensitive(field);
      return fieldFilter(field, { $eq: longValue(value) });
    case "keyword": {
      const term = keywordValue(value, queryName);
      // Full-text queries analyze their text as the field's tokens were; term-level ones do not.
      if (field.analyzed && !caseInsensitive && (queryName === "match" || queryName === "simple_query_string")) {
        return analyzedMatch(field, term, "or", context);
      }
      return caseInsensitive ? caseInsensitiveTerm(field, term, queryName) : keywordEquals(field, term);
    }
  }
}

/** Documents whose boolean field is one of `values`; a missing field counts as `missingBoolean`. */
export function booleanIn(field: ApiKeyField, values: readonly boolean[]): MongoFilter {
  const set = [...new Set(values)];
  if (set.length === 0) return matchNone();
  if (set.length === 2) return field.missingBoolean !== undefined ? matchAll() : fieldFilter(field, { $in: set });
  const only = set[0] as boolean;
  // `$ne: false` also matches documents without the field.
  return fieldFilter(field, only === field.missingBoolean ? { $ne: !only } : { $eq: only });
}

/**
 * A `match` on a `text` field: the text's tokens against the stored ones, any of them (`or`) or
 * all (`and`). Text without words matches nothing (`zero_terms_query: none`).
 */
export function analyzedMatch(field: ApiKeyField, text: string, operator: "and" | "or", context: QueryContext): MongoFilter {
  const tokens = distinctTextTokens(text);
  countClauses(context, tokens.length);
  if (tokens.length === 0) return matchNone();
  const each = tokens.map((token) => fieldFilter(field, { $eq: token }));
  return operator === "and" ? and(each) : or(each);
}

export function existsFilter(field: ApiKeyField): MongoFilter {
  // A text without any word indexes no token, so Elasticsearch does not see the field.
  if (field.analyzed) return { [`${field.path}.0`]: { $exists: true } };
  if (field.missingAs !== undefined || field.missingBoolean !== undefined) return matchAll();
  if (field.flattened === "root") return fieldFilter(field, { $type: "string" });
  if (field.flattened === "path") return fieldFilter(field, { $type: ["string", "number", "bool"] });
  if (field.multiValued) return fieldFilter(field, { $nin: [null, []] });
  return fieldFilter(field, { $ne: null });
}
