/**
 * Parsing the Query API keys request's `sort`, and the MongoDB sort document of a parsed sort.
 *
 * Elasticsearch puts documents without a value last in both directions (`missing: _last`);
 * MongoDB puts them first when ascending. So a sort on a field that can be absent (`name`,
 * `expiration`, `invalidation`, `metadata.*`, and `type`, whose absence means `rest`) may need
 * the result split into *partitions* (value present / absent), each sorted by MongoDB and merged
 * in order (`sort-order.ts`); most sorts need one. Every MongoDB sort ends with `_id` ascending so
 * that equal keys page stably.
 */
import { isPlainObject } from "../support/is-plain-object.js";
import { illegalArgument, xContentParseError } from "../support/security-error.js";
import { jsonType } from "./api-key-fields.js";
import { API_KEY_FIELD_TABLE, type FieldTable } from "./field-table.js";
import type { ApiKeySort, ApiKeySortKey, MongoSort } from "./api-key-sort.js";
import { parseDateFormat, type DateFormat } from "./date-format.js";
import { parsingError } from "./query-errors.js";
import { countPartitioned } from "./sort-order.js";

export type { ApiKeySort, ApiKeySortKey, MongoSort, SortValue } from "./api-key-sort.js";

/** Most sort keys accepted (a guard). */
export const MAX_SORT_KEYS = 32;
/** Most sort keys needing a present/absent split (each doubles the queries run). */
export const MAX_PARTITIONED_SORT_KEYS = 4;

type JsonObject = Record<string, unknown>;

function parseOrder(value: unknown): "asc" | "desc" {
  if (typeof value === "string") {
    const lower = value.toLowerCase();
    if (lower === "asc" || lower === "desc") return lower;
  }
  throw illegalArgument(`Unknown SortOrder [${typeof value === "string" ? value : JSON.stringify(value)}]`);
}

const FIELD_SORT_OPTIONS = new Set(["order", "missing", "unmapped_type", "mode", "nested", "numeric_type", "format"]);

function sortKey(name: string, options: JsonObject | undefined, fields: FieldTable): ApiKeySortKey {
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
        if (value !== "min" && value !== "max")
          throw illegalArgument(`[mode] sort value [${String(value)}] is not supported for API keys; use [min] or [max]`);
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
  const field = fields.resolve(name);
  if (field.sortRefusal !== undefined) throw illegalArgument(field.sortRefusal);
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
export function parseApiKeySort(sort: unknown, fields: FieldTable = API_KEY_FIELD_TABLE): ApiKeySort | undefined {
  if (sort === undefined || sort === null) return undefined;
  const entries = Array.isArray(sort) ? sort : [sort];
  if (entries.length > MAX_SORT_KEYS) throw illegalArgument(`[sort] has more than [${MAX_SORT_KEYS}] keys`);
  const keys = entries.map((entry): ApiKeySortKey => {
    if (typeof entry === "string") return sortKey(entry, undefined, fields);
    if (isPlainObject(entry)) {
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
      if (typeof value === "string") return sortKey(name, { order: value }, fields);
      if (isPlainObject(value)) return sortKey(name, value, fields);
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
