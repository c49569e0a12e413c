/**
 * The paging part every query body shares (Query API keys, users, roles): `from`, `size`, `sort`
 * and `search_after`, with Elasticsearch's parser messages and its result-window limit.
 */
import { illegalArgument, validationError, xContentParseError } from "../support/security-error.js";
import { jsonType } from "./api-key-fields.js";
import type { ApiKeySort } from "./api-key-sort.js";
import type { FieldTable } from "./field-table.js";
import { buildSearchAfterFilter } from "./search-after.js";
import { parseApiKeySort } from "./translate-sort.js";

/** `index.max_result_window`: `from + size` may not exceed it. */
export const MAX_RESULT_WINDOW = 10_000;

/** Default page size. */
export const DEFAULT_SIZE = 10;

/** The parsed paging fields, before the result window is checked. */
export interface QueryPaging {
  readonly from: number | undefined;
  readonly size: number | undefined;
  readonly sort: ApiKeySort | undefined;
  readonly searchAfter: unknown[] | undefined;
}

/** How the JSON parser names a value's token in its messages. */
export function valueToken(value: unknown): string {
  return Array.isArray(value) ? "START_ARRAY" : `VALUE_${jsonType(value).toUpperCase()}`;
}

/** An `int` field as the JSON parser reads it: a number or a numeric string, truncated. */
function intField(value: unknown, name: string, parser: string): number {
  let number: number | undefined;
  if (typeof value === "number" && Number.isFinite(value)) number = Math.trunc(value);
  else if (typeof value === "string" && /^\s*-?\d+(?:\.\d+)?\s*$/.test(value)) number = Math.trunc(Number(value));
  if (number === undefined || number > 2_147_483_647 || number < -2_147_483_648) {
    throw xContentParseError(`[${parser}] failed to parse field [${name}]`);
  }
  return number;
}

/**
 * Reads `from`, `size`, `sort` and `search_after` of a body whose field names were checked.
 * @param fields - the body
 * @param parser - the parser's name in messages
 * @param table - the fields the sort may use (default: API keys')
 * @throws SecurityError 400 for wrong types and, all together, negative `from`/`size` and `from`
 *   beside `search_after`
 */
export function parsePaging(fields: Record<string, unknown>, parser: string, table?: FieldTable): QueryPaging {
  const present = (key: string): boolean => fields[key] !== undefined && fields[key] !== null;
  const from = present("from") ? intField(fields.from, "from", parser) : undefined;
  const size = present("size") ? intField(fields.size, "size", parser) : undefined;
  const problems: string[] = [];
  if (from !== undefined && from < 0) problems.push(`[from] parameter cannot be negative but was [${from}]`);
  if (size !== undefined && size < 0) problems.push(`[size] parameter cannot be negative but was [${size}]`);
  const sort = present("sort") ? parseApiKeySort(fields.sort, table) : undefined;
  let searchAfter: unknown[] | undefined;
  if (present("search_after")) {
    if (!Array.isArray(fields.search_after)) {
      throw xContentParseError(`[${parser}] search_after doesn't support values of type: ${valueToken(fields.search_after)}`);
    }
    searchAfter = fields.search_after;
    if ((from ?? 0) > 0) problems.push("[from] parameter must be set to 0 when [search_after] is used");
  }
  if (problems.length > 0) throw validationError(problems);
  return { from, size, sort, searchAfter };
}

/**
 * The page to read: the defaults filled in, the result window checked, and `search_after`
 * translated once against the sort so that its errors come before any database work.
 * @throws SecurityError 400 for a window over {@link MAX_RESULT_WINDOW} or a bad `search_after`
 */
export function resolvePage(paging: QueryPaging, now: number): { from: number; size: number } {
  const from = paging.from ?? 0;
  const size = paging.size ?? DEFAULT_SIZE;
  if (from + size > MAX_RESULT_WINDOW) {
    throw illegalArgument(
      `Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was [${from + size}]. ` +
        "See the scroll api for a more efficient way to request large data sets. " +
        "This limit can be set by changing the [index.max_result_window] index level setting.",
    );
  }
  if (paging.searchAfter !== undefined) buildSearchAfterFilter(paging.sort, paging.searchAfter, now);
  return { from, size };
}
