/**
 * Runs a Query users or Query roles request against its collection: the body validated first,
 * then the count and the page (sorted, `from`/`size` or `search_after`), each hit with its `_sort`
 * values when the request sorted. Rendering belongs to the caller (the user and role services
 * own their shapes).
 */
import { ApiKeyQueryRunner, type ApiKeyCollection } from "../store/api-key-query-runner.js";
import { storeTimeLimitOf } from "../store/store-time-limit.js";
import type { SortValue } from "./api-key-sort.js";
import type { StoredDocument } from "./document-values.js";
import { and, type MongoFilter } from "./mongo-filter.js";
import { parseQueryRecordsRequest, type QueryRecordsDialect, type QueryRecordsRequest } from "./parse-query-records-request.js";
import { findHits } from "./query-api-keys.js";
import { sortValuesFor } from "./sort-values.js";
import { translateApiKeyQuery } from "./translate-query.js";

/** Which records a request reads, and how: the parser and fields, plus the scope and hidden fields. */
export interface RecordsQueryDialect extends QueryRecordsDialect {
  /** AND-ed into the query: which documents of the collection are records of this API at all. */
  readonly scopeFilter: MongoFilter;
  /** Fields never read (secrets, derived tokens). */
  readonly hiddenFields: readonly string[];
}

/** One matching record as stored, and its `_sort` values when the request sorted. */
export interface RecordHit {
  readonly doc: StoredDocument;
  readonly sort: SortValue[] | undefined;
}

/** How many records match, and the page's. */
export interface QueryRecordsResult {
  readonly total: number;
  readonly hits: RecordHit[];
}

/**
 * Validates `body` (every 400 before any database work), then reads under the store's time limit.
 * @param model the users or roles model (its `collection` is read with the driver)
 */
export async function queryRecords(
  model: { readonly collection: ApiKeyCollection },
  body: unknown,
  dialect: RecordsQueryDialect,
  now: number = Date.now(),
): Promise<QueryRecordsResult> {
  const request = parseQueryRecordsRequest(body ?? undefined, dialect, now);
  const limit = storeTimeLimitOf(model);
  return limit.run(runRecordsQuery(model.collection, request, dialect, now, limit.options.maxTimeMS));
}

async function runRecordsQuery(
  collection: ApiKeyCollection,
  request: QueryRecordsRequest,
  dialect: RecordsQueryDialect,
  now: number,
  maxTimeMS: number | undefined,
): Promise<QueryRecordsResult> {
  const runner = new ApiKeyQueryRunner(collection, maxTimeMS);
  const regexDialect = await runner.regexDialect();
  const query = translateApiKeyQuery(request.query, now, { regexDialect, fields: dialect.fields });
  const filter = and([dialect.scopeFilter, query]);
  const projection = Object.fromEntries(dialect.hiddenFields.map((field) => [field, 0 as const]));
  const [total, docs] = await Promise.all([
    runner.count(filter),
    request.size === 0 ? Promise.resolve([]) : findHits(runner, request, filter, now, projection),
  ]);
  const sort = request.sort !== undefined && request.sort.length > 0 ? request.sort : undefined;
  return { total, hits: docs.map((doc) => ({ doc, sort: sort ? sortValuesFor(doc, sort) : undefined })) };
}
