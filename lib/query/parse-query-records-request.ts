/**
 * Validates a Query users or Query roles request (`GET|POST /_security/_query/user|role`): the
 * body `query`, `from`, `size`, `sort` and `search_after`, with Elasticsearch's parser messages
 * (`query_user_request_payload`, `query_role_request_payload`). Like the API-key parser, the
 * query, sort and `search_after` are translated once here, so every 400 comes before database work.
 */
import { xContentParseError } from "../support/security-error.js";
import type { ApiKeySort } from "./api-key-sort.js";
import { DateWorkBudget } from "./date-work-budget.js";
import type { FieldTable } from "./field-table.js";
import { DEFAULT_SIZE, parsePaging, resolvePage, valueToken } from "./parse-query-paging.js";
import { translateApiKeyQuery } from "./translate-query.js";

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
  const paging = parsePaging(fields, parser, table);
  const { from, size } = resolvePage(paging, now);
  return { query, from, size, sort: paging.sort, searchAfter: paging.searchAfter };
}
