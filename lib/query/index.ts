/**
 * The Query API keys engine: Elasticsearch's query DSL, sort, `search_after` and aggregations
 * over the API-key documents in MongoDB.
 */
export { queryApiKeys, API_KEY_DOC_FILTER } from "./query-api-keys.js";
export type { QueryApiKeysOptions, QueryApiKeysResult, QueryApiKeysHit, RenderApiKey, StoredDocument } from "./query-api-keys.js";
export { resolveJoinedFilter } from "./joined-fields.js";
export type { JoinedFields } from "./joined-fields.js";
export { booleanParam, parseQueryApiKeysRequest } from "./parse-query-request.js";
export { MAX_RESULT_WINDOW, DEFAULT_SIZE } from "./parse-query-paging.js";
export type { QueryApiKeysParams, QueryApiKeysRequest } from "./parse-query-request.js";
export { translateApiKeyQuery } from "./translate-query.js";
export type { MongoFilter } from "./mongo-filter.js";
export { parseApiKeySort, mongoSortSpec } from "./translate-sort.js";
export { buildSearchAfterFilter } from "./search-after.js";
export { sortValuesFor } from "./sort-values.js";
export type { ApiKeySort, ApiKeySortKey, SortValue } from "./api-key-sort.js";
export { parseAggregations } from "./parse-aggregations.js";
export { evaluateAggregations } from "./evaluate-aggregations.js";
export { runAggregations } from "./run-aggregations.js";
export type { AggregationRequest } from "./aggregation-node.js";
export type { AggregationResult } from "./eval-state.js";
export { resolveApiKeyField } from "./api-key-fields.js";
export type { ApiKeyField } from "./api-key-fields.js";
export { parseQueryRecordsRequest } from "./parse-query-records-request.js";
export type { QueryRecordsRequest, QueryRecordsDialect } from "./parse-query-records-request.js";
export { queryRecords } from "./query-records.js";
export type { RecordsQueryDialect, QueryRecordsResult, RecordHit } from "./query-records.js";
export type { FieldTable } from "./field-table.js";
export { USER_FIELD_TABLE, USER_TOKEN_PATHS } from "./user-fields.js";
export { ROLE_FIELD_TABLE, ROLE_DESCRIPTION_TOKENS_PATH } from "./role-fields.js";
