/**
 * `search_after` paging: a keyset filter strictly after the cursor, as in Elasticsearch (documents
 * equal to the cursor on every sort value are skipped: end the sort with `_doc`, i.e. the key id,
 * to page through ties), and its in-memory twin for sorts done in memory.
 */
import { illegalArgument } from "../support/security-error.js";
import { flattenedCandidates, isScalar, jsonType } from "./api-key-fields.js";
import type { ApiKeySort, ApiKeySortKey } from "./api-key-sort.js";
import { DEFAULT_FORMAT } from "./date-format.js";
import { parseDateMath } from "./date-math.js";
import { compareRaw, type RawValue, type StoredDocument } from "./document-values.js";
import { and, matchNone, or, type MongoFilter } from "./mongo-filter.js";
import { parsingError } from "./query-errors.js";
import { keyValue, missingFilter, presentFilter } from "./sort-order.js";
import { MISSING_SORT_MAX, MISSING_SORT_MAX_DATE, MISSING_SORT_MIN, MISSING_SORT_MIN_DATE, missingSentinel } from "./sort-values.js";

/** A `search_after` value resolved against its sort key. */
type AfterValue = { missing: true } | { missing: false; value: RawValue };

function afterValueError(key: ApiKeySortKey): never {
  throw illegalArgument(`Failed to parse search_after value for field [${key.field?.indexName ?? "_doc"}].`);
}

function isSentinelNumber(value: number): "max" | "min" | undefined {
  if (value >= 9.2e18) return "max";
  if (value <= -9.2e18) return "min";
  return undefined;
}

function resolveAfterValue(key: ApiKeySortKey, value: unknown, now: number): AfterValue {
  if (value === null) {
    if (key.field?.missingAs !== undefined) return { missing: false, value: key.field.missingAs };
    return { missing: true };
  }
  if (!isScalar(value)) {
    throw parsingError(
      `Expected [VALUE_STRING] or [VALUE_NUMBER] or [VALUE_BOOLEAN] or [VALUE_NULL] but found [${Array.isArray(value) ? "START_ARRAY" : "START_OBJECT"}] inside search_after.`,
    );
  }
  switch (key.kind) {
    case "keyword":
    case "id":
      return { missing: false, value: typeof value === "string" ? value : String(value) };
    case "boolean":
      if (value === true || value === "true" || value === 1 || value === "1") return { missing: false, value: true };
      if (value === false || value === "false" || value === 0 || value === "0") return { missing: false, value: false };
      return afterValueError(key);
    case "long":
    case "date": {
      let number: number | undefined;
      if (typeof value === "number") number = value;
      else if (typeof value === "string") {
        if (/^-?\d+$/.test(value)) number = Number(value);
        else if (value === MISSING_SORT_MAX_DATE) number = MISSING_SORT_MAX;
        else if (value === MISSING_SORT_MIN_DATE) number = MISSING_SORT_MIN;
        else {
          try {
            number = parseDateMath(value, { now, format: key.format ?? DEFAULT_FORMAT });
          } catch {
            afterValueError(key);
          }
        }
      } else {
        afterValueError(key);
      }
      if (number === undefined || !Number.isFinite(number)) return afterValueError(key);
      const sentinel = isSentinelNumber(number);
      if (sentinel !== undefined) {
        const missingIsHigh = missingSentinel(key) > 0;
        if ((sentinel === "max") === missingIsHigh) return { missing: true };
        return { missing: false, value: sentinel === "max" ? Infinity : -Infinity };
      }
      return { missing: false, value: Math.trunc(number) };
    }
  }
}

function equalsFilter(key: ApiKeySortKey, after: AfterValue): MongoFilter {
  const field = key.field;
  if (after.missing) return field ? missingFilter(field) : matchNone();
  const value = after.value;
  if (field?.missingAs !== undefined && value === field.missingAs) return { [key.path]: { $in: [value, null] } };
  if (field?.flattened === "path" && typeof value === "string") {
    const candidates = flattenedCandidates(value);
    return { [key.path]: candidates.length === 1 ? { $eq: value } : { $in: candidates } };
  }
  return { [key.path]: { $eq: value } };
}

function afterFilter(key: ApiKeySortKey, after: AfterValue): MongoFilter {
  const field = key.field;
  if (after.missing) {
    // Nothing sorts after a missing value placed last; everything present sorts after one placed first.
    return key.missing === "_first" && field ? presentFilter(field) : matchNone();
  }
  const value = after.value;
  const beyond: MongoFilter = { [key.path]: key.order === "asc" ? { $gt: value } : { $lt: value } };
  if (!field || !field.nullable) return beyond;
  if (field.missingAs !== undefined) {
    const c = compareRaw(field.missingAs, value);
    const missingBeyond = key.order === "asc" ? c > 0 : c < 0;
    return missingBeyond ? or([beyond, { [key.path]: { $eq: null } }]) : beyond;
  }
  return key.missing === "_last" ? or([beyond, missingFilter(field)]) : beyond;
}

/**
 * The keyset filter for `search_after`: documents strictly after `searchAfter` in the sort order
 * (`(k1 > v1) OR (k1 = v1 AND k2 > v2) OR ...`, with missing values placed per `missing`).
 * Accepts what `_sort` returned: epoch ms or formatted dates, numeric strings, 1/0 for booleans.
 * @throws SecurityError 400 `search_after has N value(s) but sort has M.`, `Sort must contain at
 *   least one field.`, or `Failed to parse search_after value for field [x].`
 */
export function buildSearchAfterFilter(sort: ApiKeySort | undefined, searchAfter: unknown, now: number = Date.now()): MongoFilter {
  const values = resolveSearchAfter(sort, searchAfter, now);
  if (!sort) return matchNone();
  const branches: MongoFilter[] = [];
  for (let i = 0; i < sort.length; i++) {
    const prefix: MongoFilter[] = [];
    for (let j = 0; j < i; j++) prefix.push(equalsFilter(sort[j] as ApiKeySortKey, values[j] as AfterValue));
    branches.push(and([...prefix, afterFilter(sort[i] as ApiKeySortKey, values[i] as AfterValue)]));
  }
  return or(branches);
}

function resolveSearchAfter(sort: ApiKeySort | undefined, searchAfter: unknown, now: number): AfterValue[] {
  if (!Array.isArray(searchAfter)) {
    throw parsingError(`[search_after] expected an array but found [${jsonType(searchAfter)}]`);
  }
  if (searchAfter.length === 0) throw illegalArgument("Values must contains at least one value.");
  if (!sort || sort.length === 0) throw illegalArgument("Sort must contain at least one field.");
  if (searchAfter.length !== sort.length) {
    throw illegalArgument(`search_after has ${searchAfter.length} value(s) but sort has ${sort.length}.`);
  }
  return sort.map((key, i) => resolveAfterValue(key, searchAfter[i], now));
}

/** Compares a document's value with a cursor value, `"5"` meeting a stored `5` on flattened metadata. */
function compareToCursor(key: ApiKeySortKey, value: RawValue, cursor: RawValue): number {
  if (key.field?.flattened === "path" && typeof cursor === "string" && typeof value !== "string") {
    if (flattenedCandidates(cursor).includes(value)) return 0;
  }
  return compareRaw(value, cursor);
}

/**
 * The in-memory twin of {@link buildSearchAfterFilter} (same validation and messages), for sorts
 * done in memory: whether a document comes strictly after `searchAfter` in the order of
 * {@link compareForSort}.
 */
export function searchAfterPredicate(
  sort: ApiKeySort | undefined,
  searchAfter: unknown,
  now: number = Date.now(),
): (doc: StoredDocument) => boolean {
  const cursor = resolveSearchAfter(sort, searchAfter, now);
  const keys = sort ?? [];
  return (doc) => {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as ApiKeySortKey;
      const after = cursor[i] as AfterValue;
      const value = keyValue(doc, key);
      if (value.missing || after.missing) {
        if (value.missing && after.missing) continue;
        // A missing value sits where `missing` puts it, whatever the order.
        return value.missing === (key.missing === "_last");
      }
      const c = compareToCursor(key, value.value, after.value);
      if (c !== 0) return key.order === "asc" ? c > 0 : c < 0;
    }
    return false;
  };
}
