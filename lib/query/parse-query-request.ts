/**
 * Validates a Query API keys request (`GET|POST /_security/_query/api_key`): the JSON body and
 * the URL parameters, with Elasticsearch's messages (parser `query_api_key_request_payload`).
 * Everything is checked here, before any database work: the query, sort, `search_after` and
 * aggregations are translated once to prove they are valid.
 */
import { illegalArgument, xContentParseError } from "../support/security-error.js";
import { DateWorkBudget } from "./date-work-budget.js";
import { parseAggregations, type AggregationRequest } from "./parse-aggregations.js";
import { translateApiKeyQuery } from "./translate-query.js";
import type { ApiKeySort } from "./api-key-sort.js";
import { DEFAULT_SIZE, parsePaging, resolvePage, valueToken } from "./parse-query-paging.js";

/** The URL parameters of the request, as the HTTP layer received them (strings or booleans). */
export interface QueryApiKeysParams {
  /** Include `limited_by` in each key (default false). */
  readonly with_limited_by?: unknown;
  /** Include the owner's `profile_uid` (default false). */
  readonly with_profile_uid?: unknown;
  /** Prefix aggregation names with their type (default false). */
  readonly typed_keys?: unknown;
}

/** A validated Query API keys request. */
export interface QueryApiKeysRequest {
  /** The Elasticsearch query (validated), or `undefined` for `match_all`. */
  readonly query: unknown;
  readonly from: number;
  readonly size: number;
  readonly sort: ApiKeySort | undefined;
  /** The `search_after` values (validated against `sort`). */
  readonly searchAfter: readonly unknown[] | undefined;
  readonly aggregations: AggregationRequest | undefined;
  readonly withLimitedBy: boolean;
  readonly withProfileUid: boolean;
  readonly typedKeys: boolean;
}

const PARSER = "query_api_key_request_payload";
const BODY_FIELDS = new Set(["query", "aggs", "aggregations", "from", "size", "sort", "search_after"]);

/** `RestRequest.paramAsBoolean`: absent → default, `""`/`"true"` → true, `"false"` → false. */
export function booleanParam(value: unknown, defaultValue = false): boolean {
  if (value === undefined || value === null) return defaultValue;
  if (value === true || value === "" || value === "true") return true;
  if (value === false || value === "false") return false;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- echoes what the request sent, as Elasticsearch does
  const text = Array.isArray(value) ? value.join(",") : String(value);
  throw illegalArgument(`Failed to parse value [${text}] as only [true] or [false] are allowed.`);
}

/**
 * Validates the body and parameters of a Query API keys request.
 * @param body the parsed JSON body (`undefined`, `null` or `{}` when there is none: match all).
 * @param params the URL parameters (`with_limited_by`, `with_profile_uid`, `typed_keys`).
 * @param now epoch ms used to check date math while validating (default `Date.now()`).
 * @throws SecurityError 400: `[query_api_key_request_payload] unknown field [x]`, `Duplicate 'aggs'
 *   or 'aggregations' field`, wrong types, negative `from`/`size`, a result window over 10,000,
 *   and every query / sort / `search_after` / aggregation error.
 */
export function parseQueryApiKeysRequest(body: unknown, params: QueryApiKeysParams = {}, now: number = Date.now()): QueryApiKeysRequest {
  const withLimitedBy = booleanParam(params.with_limited_by);
  const withProfileUid = booleanParam(params.with_profile_uid);
  const typedKeys = booleanParam(params.typed_keys);
  const empty: QueryApiKeysRequest = {
    query: undefined,
    from: 0,
    size: DEFAULT_SIZE,
    sort: undefined,
    searchAfter: undefined,
    aggregations: undefined,
    withLimitedBy,
    withProfileUid,
    typedKeys,
  };
  if (body === undefined || body === null) return empty;
  if (typeof body !== "object" || Array.isArray(body)) {
    throw xContentParseError(`[${PARSER}] Expected START_OBJECT but was: ${valueToken(body)}`);
  }
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!BODY_FIELDS.has(key)) throw xContentParseError(`[${PARSER}] unknown field [${key}]`);
  }
  if (fields.aggs !== undefined && fields.aggregations !== undefined) {
    throw illegalArgument("Duplicate 'aggs' or 'aggregations' field");
  }
  const present = (key: string): boolean => fields[key] !== undefined && fields[key] !== null;
  // One allowance of zoned date math for the whole body: the query and every aggregation filter.
  const budget = new DateWorkBudget();

  const query = present("query") ? fields.query : undefined;
  if (query !== undefined) {
    if (typeof query !== "object" || Array.isArray(query))
      throw xContentParseError(`[${PARSER}] query doesn't support values of type: ${valueToken(query)}`);
    translateApiKeyQuery(query, now, { budget });
  }
  const paging = parsePaging(fields, PARSER);

  const aggsBody = present("aggs") ? fields.aggs : present("aggregations") ? fields.aggregations : undefined;
  const aggregations = aggsBody === undefined ? undefined : parseAggregations(aggsBody, now, budget);

  const { from, size } = resolvePage(paging, now);

  return {
    ...empty,
    query,
    from,
    size,
    sort: paging.sort,
    searchAfter: paging.searchAfter,
    aggregations,
  };
}
