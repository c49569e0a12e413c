/**
 * Sorting and `search_after` paging for the Query API keys request.
 *
 * Elasticsearch puts documents without a value last in both directions (`missing: _last`);
 * MongoDB puts them first when ascending. So a sort on a field that can be absent (`name`,
 * `expiration`, `invalidation`, `metadata.*`, and `type`, whose absence means `rest`) may need
 * the result split into *partitions* (value present / absent), each sorted by MongoDB and merged
 * in order with {@link compareForSort}. {@link sortPartitions} lists them; most sorts need one.
 *
 * Every MongoDB sort ends with `_id` ascending so that equal keys page stably. `search_after` is
 * a keyset filter that is strictly after the given values, as in Elasticsearch (documents equal on
 * every sort value to the cursor are skipped: end the sort with `_doc`, i.e. the key id, to page
 * through ties).
 */
import { illegalArgument, xContentParseError } from "../support/security-error.js";
import {
  flattenedCandidates,
  isScalar,
  jsonType,
  resolveApiKeyField,
  type ApiKeyField,
  type ApiKeyFieldKind,
} from "./api-key-fields.js";
import { compareRaw, compareStrings, projectionFor, rawFieldValues, type RawValue, type StoredDocument } from "./document-values.js";
import { DEFAULT_FORMAT, parseDateFormat, type DateFormat } from "./date-format.js";
import { parseDateMath } from "./date-math.js";
import { UTC } from "./time-zone.js";
import { and, matchNone, nor, or, type MongoFilter } from "./mongo-filter.js";
import { parsingError } from "./query-errors.js";

/** One sort key, resolved. */
export interface ApiKeySortKey {
  /** The name the request used (`_doc` for index order). */
  readonly name: string;
  /** The allowed field, or `undefined` for `_doc` (sorted by `_id`). */
  readonly field: ApiKeyField | undefined;
  /** Stored path MongoDB sorts on. */
  readonly path: string;
  readonly kind: ApiKeyFieldKind | "id";
  readonly order: "asc" | "desc";
  /** Where documents without a value go (Elasticsearch's default `_last`). */
  readonly missing: "_first" | "_last";
  /** For dates: when given, `_sort` values are formatted strings instead of epoch ms. */
  readonly format: DateFormat | undefined;
}

/** A parsed `sort`. */
export type ApiKeySort = readonly ApiKeySortKey[];

/** One value of a hit's `_sort` array (and of `search_after`). */
export type SortValue = string | number | boolean | null;

/** The MongoDB sort document: paths to 1 / -1, `_id` last. */
export type MongoSort = Record<string, 1 | -1>;

/** Most sort keys accepted (a guard). */
export const MAX_SORT_KEYS = 32;
/** Most sort keys needing a present/absent split (each doubles the queries run). */
export const MAX_PARTITIONED_SORT_KEYS = 4;

/** `Long.MAX_VALUE` / `Long.MIN_VALUE`: Elasticsearch's sort value for a missing date or boolean. */
export const MISSING_SORT_MAX = 9223372036854775807;
export const MISSING_SORT_MIN = -9223372036854775808;
const MISSING_SORT_MAX_TEXT = "9223372036854775807";
const MISSING_SORT_MIN_TEXT = "-9223372036854775808";
/** How Elasticsearch prints those two with a date `format`. */
const MISSING_SORT_MAX_DATE = "+292278994-08-17T07:12:55.807Z";
const MISSING_SORT_MIN_DATE = "-292275055-05-16T16:47:04.192Z";

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseOrder(value: unknown): "asc" | "desc" {
  if (typeof value === "string") {
    const lower = value.toLowerCase();
    if (lower === "asc" || lower === "desc") return lower;
  }
  throw illegalArgument(`Unknown SortOrder [${typeof value === "string" ? value : JSON.stringify(value)}]`);
}

const FIELD_SORT_OPTIONS = new Set(["order", "missing", "unmapped_type", "mode", "nested", "numeric_type", "format"]);

function sortKey(name: string, options: JsonObject | undefined): ApiKeySortKey {
  let order: "asc" | "desc" = "asc";
  let missing: "_first" | "_last" = "_last";
  let formatOption: string | undefined;
  if (options) {
    for (const [key, value] of Object.entries(options)) {
      if (!FIELD_SORT_OPTIONS.has(key)) throw xContentParseError(`[field_sort] unknown field [${key}]`);
      if (key === "nested") throw illegalArgument("nested sorting is not currently supported in this context");
      if (key === "order") order = parseOrder(value);
      else if (key === "missing") {
        if (value !== "_first" && value !== "_last") {
          throw illegalArgument(`[missing] sort value [${String(value)}] is not supported for API keys; use [_first] or [_last]`);
        }
        missing = value;
      } else if (key === "mode") {
        if (value !== "min" && value !== "max") throw illegalArgument(`[mode] sort value [${String(value)}] is not supported for API keys; use [min] or [max]`);
      } else if (key === "format") {
        if (typeof value !== "string") throw xContentParseError("[field_sort] failed to parse field [format]");
        formatOption = value;
      } else if (typeof value !== "string") {
        throw xContentParseError(`[field_sort] failed to parse field [${key}]`);
      }
    }
  }
  if (name === "_doc") {
    return { name, field: undefined, path: "_id", kind: "id", order, missing, format: undefined };
  }
  const field = resolveApiKeyField(name);
  let format: DateFormat | undefined;
  if (formatOption !== undefined) {
    if (field.kind !== "date") throw illegalArgument(`Field [${field.indexName}] of type [${field.kind}] does not support custom formats`);
    format = parseDateFormat(formatOption);
  }
  return { name, field, path: field.path, kind: field.kind, order, missing, format };
}

/**
 * Parses Elasticsearch's sort syntax: `"field"`, `{"field": "desc"}`,
 * `{"field": {"order", "missing", "format", "mode", "unmapped_type", "numeric_type"}}`, `"_doc"`,
 * or an array of those. Returns `undefined` for an absent sort.
 * @throws SecurityError 400: unknown fields (`id` included: `Field [id] is not allowed for querying
 *   or aggregation`), malformed entries, `nested`.
 */
export function parseApiKeySort(sort: unknown): ApiKeySort | undefined {
  if (sort === undefined || sort === null) return undefined;
  const entries = Array.isArray(sort) ? sort : [sort];
  if (entries.length > MAX_SORT_KEYS) throw illegalArgument(`[sort] has more than [${MAX_SORT_KEYS}] keys`);
  const keys = entries.map((entry): ApiKeySortKey => {
    if (typeof entry === "string") return sortKey(entry, undefined);
    if (isObject(entry)) {
      const names = Object.keys(entry);
      if (names.length !== 1) {
        throw parsingError(
          names.length === 0
            ? "Failed to parse object: expecting token of type [FIELD_NAME] but found [END_OBJECT]"
            : "Failed to parse object: expecting token of type [END_OBJECT] but found [FIELD_NAME]",
        );
      }
      const name = names[0] as string;
      const value = entry[name];
      if (typeof value === "string") return sortKey(name, { order: value });
      if (isObject(value)) return sortKey(name, value);
      throw parsingError(`[field_sort] unexpected value of type [${jsonType(value)}] for [${name}]`);
    }
    throw illegalArgument("mal-formatted sort object");
  });
  if (keys.length > 0 && countPartitioned(keys) > MAX_PARTITIONED_SORT_KEYS) {
    throw illegalArgument(
      `[sort] may have at most [${MAX_PARTITIONED_SORT_KEYS}] keys on fields that can be missing (name, type, expiration, invalidation, metadata)`,
    );
  }
  return keys;
}

/** The MongoDB sort document for a parsed sort (or `_id` order without one), ending with `_id`. */
export function mongoSortSpec(sort: ApiKeySort | undefined): MongoSort {
  const spec: MongoSort = {};
  for (const key of sort ?? []) {
    if (key.path in spec) continue;
    spec[key.path] = key.order === "asc" ? 1 : -1;
  }
  if (!("_id" in spec)) spec._id = 1;
  return spec;
}

// ---------------------------------------------------------------------------------------------
// Presence, partitions and in-memory ordering

function needsPartition(key: ApiKeySortKey): boolean {
  const field = key.field;
  if (!field || !field.nullable) return false;
  if (field.missingAs !== undefined) return true;
  // MongoDB's own placement: missing first ascending, last descending.
  return (key.order === "asc") === (key.missing === "_last");
}

function countPartitioned(sort: ApiKeySort): number {
  const paths = new Set<string>();
  for (const key of sort) if (needsPartition(key)) paths.add(key.path);
  return paths.size;
}

/** Documents holding a value for the field. */
export function presentFilter(field: ApiKeyField): MongoFilter {
  if (field.flattened === "root") return { [field.path]: { $type: "string" } };
  if (field.flattened === "path") return { [field.path]: { $type: ["string", "number", "bool"] } };
  return { [field.path]: { $ne: null } };
}

/** Documents without a value for the field. */
export function missingFilter(field: ApiKeyField): MongoFilter {
  if (field.flattened) return nor([presentFilter(field)]);
  return { [field.path]: { $eq: null } };
}

/**
 * The filters splitting a result so that each part is in Elasticsearch order when MongoDB sorts it
 * with {@link mongoSortSpec}; one `{}` when no split is needed. Merge the parts with
 * {@link compareForSort}.
 */
export function sortPartitions(sort: ApiKeySort | undefined): MongoFilter[] {
  let partitions: MongoFilter[][] = [[]];
  const seen = new Set<string>();
  for (const key of sort ?? []) {
    if (!needsPartition(key) || !key.field || seen.has(key.path)) continue;
    seen.add(key.path);
    const field = key.field;
    partitions = partitions.flatMap((parts) => [[...parts, presentFilter(field)], [...parts, missingFilter(field)]]);
  }
  return partitions.map((parts) => and(parts));
}

type KeyValue = { missing: true } | { missing: false; value: RawValue };

function keyValue(doc: StoredDocument, key: ApiKeySortKey): KeyValue {
  if (!key.field) {
    const id = doc._id;
    return { missing: false, value: typeof id === "string" || typeof id === "number" ? id : String(id) };
  }
  let values = rawFieldValues(doc, key.field);
  if (key.kind === "date") values = values.filter((v) => typeof v === "number");
  if (values.length === 0) return { missing: true };
  let chosen = values[0] as RawValue;
  for (const value of values) {
    const c = compareRaw(value, chosen);
    if (key.order === "asc" ? c < 0 : c > 0) chosen = value;
  }
  return { missing: false, value: chosen };
}

function compareIds(a: StoredDocument, b: StoredDocument): number {
  const ia = a._id;
  const ib = b._id;
  if (typeof ia === "string" && typeof ib === "string") return compareStrings(ia, ib);
  return compareStrings(String(ia), String(ib));
}

/**
 * A comparator putting documents in the order of the sort (Elasticsearch's: missing values per
 * `missing`, multi-valued fields by their min ascending / max descending), then by `_id`.
 */
export function compareForSort(sort: ApiKeySort | undefined): (a: StoredDocument, b: StoredDocument) => number {
  const keys = sort ?? [];
  return (a, b) => {
    for (const key of keys) {
      const va = keyValue(a, key);
      const vb = keyValue(b, key);
      if (va.missing || vb.missing) {
        if (va.missing && vb.missing) continue;
        const missingAfter = key.missing === "_last";
        return va.missing === missingAfter ? 1 : -1;
      }
      const c = compareRaw(va.value, vb.value);
      if (c !== 0) return key.order === "asc" ? c : -c;
    }
    return compareIds(a, b);
  };
}

/** Projection of the fields a sort needs (plus `_id`), for merging partitions cheaply. */
export function sortProjection(sort: ApiKeySort | undefined): Record<string, 1> {
  return projectionFor((sort ?? []).map((key) => key.path));
}

// ---------------------------------------------------------------------------------------------
// _sort values

function missingSentinel(key: ApiKeySortKey): number {
  const high = (key.order === "asc") === (key.missing === "_last");
  return high ? MISSING_SORT_MAX : MISSING_SORT_MIN;
}

/**
 * A hit's `_sort` array, as Elasticsearch renders it: dates as epoch ms (or strings in the sort's
 * `format`), booleans as 1/0, keywords as strings (flattened metadata leaves stringified), `_doc`
 * as the key id. A missing date or boolean is `Long.MAX_VALUE`/`Long.MIN_VALUE` (whichever sorts
 * last), a missing keyword `null`.
 */
export function sortValuesFor(doc: StoredDocument, sort: ApiKeySort): SortValue[] {
  return sort.map((key): SortValue => {
    const value = keyValue(doc, key);
    if (value.missing) {
      if (key.kind === "keyword" || key.kind === "id") return null;
      const sentinel = missingSentinel(key);
      if (key.format) {
        if (key.format.pattern === "epoch_millis") return sentinel > 0 ? MISSING_SORT_MAX_TEXT : MISSING_SORT_MIN_TEXT;
        return sentinel > 0 ? MISSING_SORT_MAX_DATE : MISSING_SORT_MIN_DATE;
      }
      return sentinel;
    }
    const raw = value.value;
    switch (key.kind) {
      case "date":
        return key.format ? key.format.format(raw as number, UTC) : (raw as number);
      case "boolean":
        return raw === true ? 1 : 0;
      case "keyword":
        return typeof raw === "string" ? raw : String(raw);
      case "id":
        return raw;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// search_after

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
export function searchAfterPredicate(sort: ApiKeySort | undefined, searchAfter: unknown, now: number = Date.now()): (doc: StoredDocument) => boolean {
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
