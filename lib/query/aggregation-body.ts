/**
 * What parsing one aggregation's body takes: the request-wide parse state (counts, `now`, the date
 * budget) and the checks of option values, the same for every aggregation type.
 */
import { illegalArgument, xContentParseError } from "../support/security-error.js";
import {
  booleanValue,
  dateValue,
  isScalar,
  jsonType,
  keywordValue,
  longValue,
  resolveApiKeyField,
  type ApiKeyField,
} from "./api-key-fields.js";
import type { DateWorkBudget } from "./date-work-budget.js";
import type { RawValue } from "./document-values.js";
import type { JsonObject } from "./query-context.js";
import { parsingError } from "./query-errors.js";

/** Filter clauses one request may hold in its aggregations (a guard). */
export const MAX_FILTER_QUERIES = 100;

/** The state of parsing one request's aggregations. */
export interface ParseState {
  count: number;
  filters: number;
  readonly now: number;
  readonly budget: DateWorkBudget;
}

export function countFilter(state: ParseState): void {
  state.filters++;
  if (state.filters > MAX_FILTER_QUERIES)
    throw illegalArgument(`a request may hold at most [${MAX_FILTER_QUERIES}] filter queries in aggregations`);
}

export function checkKeys(body: JsonObject, type: string, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (key === "script") continue;
    if (!allowed.includes(key)) throw xContentParseError(`[${type}] unknown field [${key}]`);
  }
}

/** The `field` of a values-source aggregation (scripts refused like Elasticsearch). */
export function valuesSourceField(name: string, body: JsonObject): ApiKeyField {
  if (body.script !== undefined) throw illegalArgument(`Unsupported script value source for [${name}] agg`);
  if (body.field === undefined) throw illegalArgument("Required one of fields [field, script], but none were specified.");
  return resolveApiKeyField(body.field);
}

export function typedValue(field: ApiKeyField, value: unknown, now: number): RawValue {
  if (!isScalar(value)) throw parsingError(`[missing] value of type [${jsonType(value)}] is not supported`);
  switch (field.kind) {
    case "keyword":
      return keywordValue(value, "missing");
    case "date":
      return dateValue(value, { now });
    case "boolean":
      return booleanValue(value);
    case "long":
      return longValue(value);
  }
}

export function positiveInteger(value: unknown, key: string, name: string, allowZero: boolean): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw xContentParseError(`[${key}] must be an integer in [${name}]`);
  if (allowZero ? value < 0 : value <= 0) {
    throw illegalArgument(`[${key}] must be greater than ${allowZero ? "or equal to " : ""}0. Found [${value}] in [${name}]`);
  }
  return value;
}

export function direction(value: unknown, context: string): "asc" | "desc" {
  if (value === "asc" || value === "desc") return value;
  if (typeof value === "string" && /^(asc|desc)$/i.test(value)) return value.toLowerCase() as "asc" | "desc";
  throw parsingError(`Unknown ${context} order direction [${String(value)}]`);
}

export function stringSet(value: unknown, key: string): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    return new Set(
      value.map((v) => {
        if (!isScalar(v)) throw parsingError(`[${key}] values must be strings`);
        return String(v);
      }),
    );
  }
  throw illegalArgument(`[${key}] regular expressions and partitions are not supported for API keys; give an array of values`);
}
