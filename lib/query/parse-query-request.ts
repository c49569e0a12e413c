/**
 * Validates a Query API keys request (`GET|POST /_security/_query/api_key`): the JSON body and
 * the URL parameters, with Elasticsearch's messages (parser `query_api_key_request_payload`).
 * Everything is checked here, before any database work: the query, sort, `search_after` and
 * aggregations are translated once to prove they are valid.
 */
import { illegalArgument, validationError, xContentParseError } from "../support/security-error.js";
import { jsonType } from "./api-key-fields.js";
import { DateWorkBudget } from "./date-work-budget.js";
import { parseAggregations, type AggregationRequest } from "./parse-aggregations.js";
import { translateApiKeyQuery } from "./translate-query.js";
import type { ApiKeySort } from "./api-key-sort.js";
import { buildSearchAfterFilter } from "./search-after.js";
import { parseApiKeySort } from "./translate-sort.js";

/** `index.max_result_window`: `from + size` may not exceed it. */
export const MAX_RESULT_WINDOW = 10_000;

/** Default page size. */
export const DEFAULT_SIZE = 10;

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

function intField(value: unknown, name: string): number {
  let number: number | undefined;
  if (typeof value === "number" && Number.isFinite(value)) number = Math.trunc(value);
  else if (typeof value === "string" && /^\s*-?\d+(?:\.\d+)?\s*$/.test(value)) number = Math.trunc(Number(value));
  if (number === undefined || number > 2_147_483_647 || number < -2_147_483_648) {
    throw xContentParseError(`[${PARSER}] failed to parse field [${name}]`);
  }
  return number;
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
    throw xContentParseError(
      `[${PARSER}] Expected START_OBJECT but was: ${Array.isArray(body) ? "START_ARRAY" : `VALUE_${jsonType(body).toUpperCase()}`}`,
    );
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
      throw xContentParseError(
        `[${PARSER}] query doesn't support values of type: ${Array.isArray(query) ? "START_ARRAY" : `VALUE_${jsonType(query).toUpperCase()}`}`,
      );
    translateApiKeyQuery(query, now, { budget });
  }
  const from = present("from") ? intField(fields.from, "from") : undefined;
  const size = present("size") ? intField(fields.size, "size") : undefined;
  const problems: string[] = [];
  if (from !== undefined && from < 0) problems.push(`[from] parameter cannot be negative but was [${from}]`);
  if (size !== undefined && size < 0) problems.push(`[size] parameter cannot be negative but was [${size}]`);
  const sort = present("sort") ? parseApiKeySort(fields.sort) : undefined;
  let searchAfter: unknown[] | undefined;
  if (present("search_after")) {
    if (!Array.isArray(fields.search_after)) {
      throw xContentParseError(
        `[${PARSER}] search_after doesn't support values of type: VALUE_${jsonType(fields.search_after).toUpperCase()}`,
      );
    }
    searchAfter = fields.search_after;
    if ((from ?? 0) > 0) problems.push("[from] parameter must be set to 0 when [search_after] is used");
  }
  if (problems.length > 0) throw validationError(problems);

  const aggsBody = present("aggs") ? fields.aggs : present("aggregations") ? fields.aggregations : undefined;
  const aggregations = aggsBody === undefined ? undefined : parseAggregations(aggsBody, now, budget);

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

  return {
    ...empty,
    query,
    from: effectiveFrom,
    size: effectiveSize,
    sort,
    searchAfter,
    aggregations,
  };
}
