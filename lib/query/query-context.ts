/**
 * What every query translator shares: the state of one translation (the clause count, the date
 * budget), and the checks of a query body's options, the same for every query type.
 */
import { illegalArgument } from "../support/security-error.js";
import { isScalar, jsonType, type ScalarValue } from "./api-key-fields.js";
import type { DateWorkBudget } from "./date-work-budget.js";
import type { FieldTable } from "./field-table.js";
import type { MongoFilter } from "./mongo-filter.js";
import { parsingError } from "./query-errors.js";
import type { RegexDialect } from "./wildcard-to-regex.js";

/** `indices.query.bool.max_clause_count` (Elasticsearch 8's default floor). */
export const MAX_QUERY_CLAUSES = 4096;

/** The state of one query's translation. */
export interface QueryContext {
  readonly now: number;
  readonly regexDialect: RegexDialect;
  readonly budget: DateWorkBudget;
  /** The fields the query may name (API keys, users or roles). */
  readonly fields: FieldTable;
  clauses: number;
}

/** Translates one clause at a nesting depth (the dispatcher, handed to the compound queries). */
export type ClauseTranslator = (query: unknown, context: QueryContext, depth: number) => MongoFilter;

/** A JSON object of the request, before its keys are checked. */
export type JsonObject = Record<string, unknown>;

/** Counts clauses against `indices.query.bool.max_clause_count`, which covers the whole query. */
export function countClauses(context: QueryContext, n: number): void {
  context.clauses += n;
  if (context.clauses > MAX_QUERY_CLAUSES) {
    throw illegalArgument(`Query contains too many nested clauses; maxClauseCount is set to ${MAX_QUERY_CLAUSES}`);
  }
}

/** `boost` and `_name` are accepted by every query; check their types, then ignore them. */
export const COMMON_OPTIONS = ["boost", "_name"];

export function checkCommonOption(queryName: string, key: string, value: unknown): void {
  if (key === "boost" && typeof value !== "number")
    throw parsingError(`[${queryName}] query does not support [${key}] of type [${jsonType(value)}]`);
  if (key === "_name" && typeof value !== "string")
    throw parsingError(`[${queryName}] query does not support [${key}] of type [${jsonType(value)}]`);
}

export function checkOnlyKeys(body: JsonObject, queryName: string, allowed: readonly string[]): void {
  for (const [key, value] of Object.entries(body)) {
    if (COMMON_OPTIONS.includes(key)) {
      checkCommonOption(queryName, key, value);
      continue;
    }
    if (!allowed.includes(key)) throw parsingError(`[${queryName}] query does not support [${key}]`);
  }
}

export function optionalBoolean(body: JsonObject, key: string, queryName: string): boolean | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  throw parsingError(`[${queryName}] failed to parse field [${key}]`);
}

export function optionalString(body: JsonObject, key: string, queryName: string): string | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  throw parsingError(`[${queryName}] failed to parse field [${key}]`);
}

// Single-field queries: {"<query>": {"<field>": value | {options}}}

export function singleField(body: JsonObject, queryName: string): [string, unknown] {
  const entries = Object.entries(body);
  if (entries.length === 0) throw illegalArgument("field name is null or empty");
  if (entries.length > 1) {
    throw parsingError(`[${queryName}] query doesn't support multiple fields, found [${entries[0]?.[0]}] and [${entries[1]?.[0]}]`);
  }
  return entries[0] as [string, unknown];
}

export function scalarOrFail(value: unknown, queryName: string, key: string): ScalarValue {
  if (value === null || value === undefined) throw illegalArgument("value cannot be null");
  if (Array.isArray(value)) throw parsingError(`[${queryName}] query does not support array of values`);
  if (!isScalar(value)) throw parsingError(`[${queryName}] query does not support [${key}]`);
  return value;
}
