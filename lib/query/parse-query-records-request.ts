/**
 * Validates a Query users or Query roles request (`GET|POST /_security/_query/user|role`): the
 * body `query`, `from`, `size`, `sort` and `search_after`, with Elasticsearch's parser messages
 * (`query_user_request_payload`, `query_role_request_payload`). Like the API-key parser, the
 * query, sort and `search_after` are translated once here, so every 400 comes before database work.
 */
import { illegalArgument, validationError, xContentParseError } from "../support/security-error.js";
import { jsonType } from "./api-key-fields.js";
import type { ApiKeySort } from "./api-key-sort.js";
import { DateWorkBudget } from "./date-work-budget.js";
import type { FieldTable } from "./field-table.js";
import { DEFAULT_SIZE, MAX_RESULT_WINDOW } from "./parse-query-request.js";
import { buildSearchAfterFilter } from "./search-after.js";
import { translateApiKeyQuery } from "./translate-query.js";
import { parseApiKeySort } from "./translate-sort.js";

/** A validated Query users / Query roles request. */
export interface QueryRecordsRequest {
  /** The Elasticsearch query (validated), or `undefined` for `match_all`. */
  readonly query: unknown;
  readonly from: number;
  readonly size: number;
  readonly sort: ApiKeySort | undefined;
  /** The `search_after` values (validated against `sort`). */
  readonly searchAfter: readonly unknown[] | undefined;
}

/** Which request is parsed: its parser's name (in messages) and its field table. */
export interface QueryRecordsDialect {
  readonly parser: "query_user_request_payload" | "query_role_request_payload";
  readonly fields: FieldTable;
}

const BODY_FIELDS = new Set(["query", "from", "size", "sort", "search_after"]);

function valueToken(value: unknown): string {
  return Array.isArray(value) ? "START_ARRAY" : `VALUE_${jsonType(value).toUpperCase()}`;
}

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
 * Validates the body of a Query users / Query roles request (`undefined`, `null` or `{}`: every
 * record, first page of 10).
 * @throws SecurityError 400: `[<parser>] unknown field [x]`, wrong types, negative `from`/`size`,
 *   a result window over 10,000, and every query / sort / `search_after` error.
 */
export function parseQueryRecordsRequest(body: unknown, dialect: QueryRecordsDialect, now: number = Date.now()): QueryRecordsRequest {
  const { parser, fields: table } = dialect;
  const empty: QueryRecordsRequest = { query: undefined, from: 0, size: DEFAULT_SIZE, sort: undefined, searchAfter: undefined };
  if (body === undefined || body === null) return empty;
  if (typeof body !== "object" || Array.isArray(body))
    throw xContentParseError(`[${parser}] Expected START_OBJECT but was: ${valueToken(body)}`);
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!BODY_FIELDS.has(key)) throw xContentParseError(`[${parser}] unknown field [${key}]`);
  }
  const present = (key: string): boolean => fields[key] !== undefined && fields[key] !== null;

  const query = present("query") ? fields.query : undefined;
  if (query !== undefined) {
    if (typeof query !== "object" || Array.isArray(query)) {
      throw xContentParseError(`[${parser}] query doesn't support values of type: ${valueToken(query)}`);
    }
    translateApiKeyQuery(query, now, { budget: new DateWorkBudget(), fields: table });
  }
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

  const effectiveFrom = from ?? 0;
  const effectiveSize = size ?? DEFAULT_SIZE;
  if (effectiveFrom + effectiveSize > MAX_RESULT_WINDOW) {
    throw illegalArgument(
      `Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was [${effectiveFrom + effectiveSize}]. ` +
        "See the scroll api for a more efficient way to request large data sets. " +
        "This limit can be set by changing the [index.max_result_window] index level setting.",
    );
  }
  if (searchAfter !== undefined) buildSearchAfterFilter(sort, searchAfter, now);
  return { query, from: effectiveFrom, size: effectiveSize, sort, searchAfter };
}
