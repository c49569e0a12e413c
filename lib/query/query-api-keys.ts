/**
 * Runs a validated Query API keys request against the API-key collection: the count, the page of
 * keys (sorted, `from`/`size` or `search_after`) and the aggregations. Independent of HTTP and of
 * privileges: the caller passes the ownership restriction as `scopeFilter`, and renders each key
 * (the API-key service owns the `ApiKeyInfo` shape).
 */
import { ApiKeyQueryRunner, type ApiKeyCollection } from "../store/api-key-query-runner.js";
import type { AggregationResult } from "./eval-state.js";
import { runAggregations } from "./run-aggregations.js";
import { DateWorkBudget } from "./date-work-budget.js";
import type { StoredDocument } from "./document-values.js";
import {
  attachJoinedValues,
  DEFAULT_MAX_JOINED_KEYS,
  resolveJoinedFilter,
  sortUsesJoined,
  tooManyToSort,
  type JoinedFields,
} from "./joined-fields.js";
import { and, type MongoFilter } from "./mongo-filter.js";
import type { QueryApiKeysRequest } from "./parse-query-request.js";
import { translateApiKeyQuery } from "./translate-query.js";
import type { RegexDialect } from "./wildcard-to-regex.js";
import type { SortValue } from "./api-key-sort.js";
import { buildSearchAfterFilter, searchAfterPredicate } from "./search-after.js";
import { compareForSort, sortPartitions, sortProjection } from "./sort-order.js";
import { sortValuesFor } from "./sort-values.js";
import { mongoSortSpec } from "./translate-sort.js";

export type { StoredDocument } from "./document-values.js";
export type { AggregationResult } from "./eval-state.js";
export type { JoinedFields } from "./joined-fields.js";

/** Renders one stored key as the API's `ApiKeyInfo` (supplied by the API-key service). */
export type RenderApiKey<T extends object> = (doc: StoredDocument, options: { readonly withLimitedBy: boolean }) => T;

/** Options of {@link queryApiKeys}. */
export interface QueryApiKeysOptions<T extends object> {
  /** AND-ed into the query: the caller's ownership restriction (`{}` for `read_security`). */
  readonly scopeFilter: MongoFilter;
  /** Epoch ms for date math (`now-1d`) in the query and aggregations. */
  readonly now: number;
  /** Renders each hit. Never sees the `hash` field (it is projected out). */
  readonly render: RenderApiKey<T>;
  /** Default: the request's `with_limited_by`. */
  readonly withLimitedBy?: boolean | undefined;
  /** Default: the request's `typed_keys`. */
  readonly typedKeys?: boolean | undefined;
  /** Most documents aggregations may read (default 100,000; beyond → 400). */
  readonly maxAggregationDocuments?: number | undefined;
  /**
   * The server's regex dialect for wildcard queries. `"auto"` (default) asks the server once per
   * collection whether it accepts atomic groups (MongoDB's PCRE does, FerretDB's RE2 does not).
   */
  readonly regexDialect?: RegexDialect | "auto" | undefined;
  /**
   * Fields kept outside the key documents (API-key usage: `last_used`), joined by key id: their
   * conditions become `_id` sets, a sort on them runs in memory, hits carry their values.
   */
  readonly joined?: JoinedFields | undefined;
  /** Most keys one joined condition or an in-memory sort may involve (default 100,000; beyond → 400). */
  readonly maxJoinedKeys?: number | undefined;
  /** Server-side time limit of every command sent (the store's `storeTimeout`); none when absent. */
  readonly maxTimeMS?: number | undefined;
}

/** One hit: the rendered key plus its `_sort` values (present when the request sorted). */
export type QueryApiKeysHit<T extends object> = T & { _sort?: SortValue[] };

/** The response body of the Query API keys API. */
export interface QueryApiKeysResult<T extends object> {
  /** How many keys match (ignoring `from`, `size` and `search_after`). */
  total: number;
  /** How many keys this page holds. */
  count: number;
  api_keys: Array<QueryApiKeysHit<T>>;
  /** Present when the request asked for aggregations. */
  aggregations?: AggregationResult;
}

/** Never read the secret's hash out of the database for a query. */
const HIT_PROJECTION = { hash: 0 } as const;

/** The filter selecting API-key documents in the shared collection. */
export const API_KEY_DOC_FILTER: MongoFilter = { doc_type: { $eq: "api_key" } };

/**
 * Executes a Query API keys request.
 * @param collection the API-key collection (`connection.collection(name)`).
 * @param request from `parseQueryApiKeysRequest`.
 */
export async function queryApiKeys<T extends object>(
  collection: ApiKeyCollection,
  request: QueryApiKeysRequest,
  options: QueryApiKeysOptions<T>,
): Promise<QueryApiKeysResult<T>> {
  const { now } = options;
  const runner = new ApiKeyQueryRunner(collection, options.maxTimeMS);
  const withLimitedBy = options.withLimitedBy ?? request.withLimitedBy;
  const typedKeys = options.typedKeys ?? request.typedKeys;
  const regexDialect =
    options.regexDialect === undefined || options.regexDialect === "auto" ? await runner.regexDialect() : options.regexDialect;
  const joined = options.joined;
  const maxJoined = options.maxJoinedKeys ?? DEFAULT_MAX_JOINED_KEYS;
  const budget = new DateWorkBudget();
  let filter = and([API_KEY_DOC_FILTER, options.scopeFilter, translateApiKeyQuery(request.query, now, { regexDialect, budget })]);
  if (joined) filter = await resolveJoinedFilter(filter, joined, maxJoined);

  const totalPromise = runner.count(filter);
  const hitsPromise =
    request.size === 0
      ? Promise.resolve([])
      : joined && sortUsesJoined(request.sort, joined)
        ? findHitsSortedInMemory(runner, request, filter, now, joined, maxJoined)
        : findHits(runner, request, filter, now).then((docs) => (joined ? attachJoinedValues(docs, joined) : docs));
  const aggregationsPromise =
    request.aggregations === undefined
      ? Promise.resolve(undefined)
      : totalPromise.then((matching) =>
          runAggregations(runner, request.aggregations ?? [], filter, {
            now,
            typedKeys,
            matching,
            maxDocuments: options.maxAggregationDocuments,
            regexDialect,
            joined,
            budget,
          }),
        );
  const [total, docs, aggregations] = await Promise.all([totalPromise, hitsPromise, aggregationsPromise]);

  const sort = request.sort;
  const apiKeys = docs.map((doc): QueryApiKeysHit<T> => {
    const rendered = options.render(doc, { withLimitedBy });
    return sort && sort.length > 0 ? { ...rendered, _sort: sortValuesFor(doc, sort) } : rendered;
  });
  const result: QueryApiKeysResult<T> = { total, count: apiKeys.length, api_keys: apiKeys };
  if (aggregations !== undefined) result.aggregations = aggregations;
  return result;
}

/** What {@link findHits} reads of a request: the page and its order. */
export type PageRequest = Pick<QueryApiKeysRequest, "from" | "size" | "sort" | "searchAfter">;

/**
 * The page of documents a filter matches, in the request's order (Elasticsearch's placement of
 * missing values included), after `search_after`, without the fields `projection` excludes.
 */
export async function findHits(
  runner: ApiKeyQueryRunner,
  request: PageRequest,
  filter: MongoFilter,
  now: number,
  projection: Readonly<Record<string, 0>> = HIT_PROJECTION,
): Promise<StoredDocument[]> {
  const hitsFilter =
    request.searchAfter !== undefined ? and([filter, buildSearchAfterFilter(request.sort, request.searchAfter, now)]) : filter;
  const sortSpec = mongoSortSpec(request.sort);
  const partitions = sortPartitions(request.sort);
  if (partitions.length === 1) {
    return runner.find({ filter: hitsFilter, sort: sortSpec, skip: request.from, limit: request.size, projection });
  }
  // Missing values must go where Elasticsearch puts them: sort each part on the server, merge here
  // (only the sort fields), then fetch the page's documents.
  const window = request.from + request.size;
  const parts = await Promise.all(
    partitions.map((partition) =>
      runner.find({ filter: and([hitsFilter, partition]), sort: sortSpec, limit: window, projection: sortProjection(request.sort) }),
    ),
  );
  const merged = parts.flat().sort(compareForSort(request.sort)).slice(request.from, window);
  if (merged.length === 0) return [];
  const ids = merged.map((doc) => doc._id);
  const full = await runner.find({ filter: { _id: { $in: ids } }, projection });
  const byId = new Map(full.map((doc) => [String(doc._id), doc]));
  return ids.map((id) => byId.get(String(id))).filter((doc): doc is StoredDocument => doc !== undefined);
}

/**
 * Hits of a sort on a joined field: every matching key's sort fields, joined, sorted and cut in
 * memory (at most `max` keys), then the page's documents.
 */
async function findHitsSortedInMemory(
  runner: ApiKeyQueryRunner,
  request: QueryApiKeysRequest,
  filter: MongoFilter,
  now: number,
  joined: JoinedFields,
  max: number,
): Promise<StoredDocument[]> {
  const after = request.searchAfter !== undefined ? searchAfterPredicate(request.sort, request.searchAfter, now) : undefined;
  const keys = await runner.find({ filter, projection: sortProjection(request.sort), limit: max + 1 });
  if (keys.length > max) {
    const joinedKey = (request.sort ?? []).find((key) => joined.paths.has(key.path));
    throw tooManyToSort(joinedKey?.name ?? "_doc", max);
  }
  let ordered: StoredDocument[] = (await attachJoinedValues(keys, joined)).sort(compareForSort(request.sort));
  if (after) ordered = ordered.filter(after);
  const page = ordered.slice(request.from, request.from + request.size);
  if (page.length === 0) return [];
  const pageFilter: MongoFilter = { _id: { $in: page.map((doc) => doc._id) } };
  const full = await runner.find({ filter: pageFilter, projection: HIT_PROJECTION });
  const byId = new Map(full.map((doc) => [String(doc._id), doc]));
  const hits = page.map((doc) => byId.get(String(doc._id))).filter((doc): doc is StoredDocument => doc !== undefined);
  // The page's own read of the joined values: also the fields that are not sorted on (use_count).
  return attachJoinedValues(hits, joined);
}
