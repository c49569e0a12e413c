/**
 * Runs a validated Query users or Query roles request against its collection: the count and the
 * page (sorted, `from`/`size` or `search_after`), each hit with its `_sort` values when the
 * request sorted. Rendering belongs to the caller (the user and role services own their shapes).
 */
import { ApiKeyQueryRunner, type ApiKeyCollection } from "../store/api-key-query-runner.js";
import type { SortValue } from "./api-key-sort.js";
import type { StoredDocument } from "./document-values.js";
import type { FieldTable } from "./field-table.js";
import { and, type MongoFilter } from "./mongo-filter.js";
import type { QueryRecordsRequest } from "./parse-query-records-request.js";
import { findHits } from "./query-api-keys.js";
import { sortValuesFor } from "./sort-values.js";
import { translateApiKeyQuery } from "./translate-query.js";

/** Options of {@link queryRecords}. */
export interface QueryRecordsOptions {
  /** The fields the query may name. */
  readonly fields: FieldTable;
  /** AND-ed into the query: which documents of the collection are records of this API at all. */
  readonly scopeFilter: MongoFilter;
  /** Fields never read (secrets). */
  readonly hiddenFields: readonly string[];
  /** Epoch ms for date math. */
  readonly now: number;
  /** Server-side time limit of every command sent; none when absent. */
  readonly maxTimeMS?: number | undefined;
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
 * Executes the request.
 * @param collection the users or roles collection (`model.collection`).
 */
export async function queryRecords(
  collection: ApiKeyCollection,
  request: QueryRecordsRequest,
  options: QueryRecordsOptions,
): Promise<QueryRecordsResult> {
  const runner = new ApiKeyQueryRunner(collection, options.maxTimeMS);
  const regexDialect = await runner.regexDialect();
  const query = translateApiKeyQuery(request.query, options.now, { regexDialect, fields: options.fields });
  const filter = and([options.scopeFilter, query]);
  const projection = Object.fromEntries(options.hiddenFields.map((field) => [field, 0 as const]));
  const [total, docs] = await Promise.all([
    runner.count(filter),
    request.size === 0 ? Promise.resolve([]) : findHits(runner, request, filter, options.now, projection),
  ]);
  const sort = request.sort !== undefined && request.sort.length > 0 ? request.sort : undefined;
  return { total, hits: docs.map((doc) => ({ doc, sort: sort ? sortValuesFor(doc, sort) : undefined })) };
}
