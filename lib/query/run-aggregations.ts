/**
 * Runs validated API-key aggregations over the stored keys matching a query.
 *
 * Evaluation streams the matching documents (only the fields the aggregations read) through a
 * cursor and computes in JS: FerretDB, the test server, lacks much of the aggregation framework
 * (`$facet`, `$ifNull`...), and one code path keeps the semantics identical on both servers.
 * `filter` / `filters` queries run on the server (an `_id` query each), so their matching is
 * exactly the query API's. The number of documents aggregated is capped
 * ({@link DEFAULT_MAX_AGGREGATION_DOCUMENTS}); beyond it the request is refused with a 400.
 */
import type { ApiKeyQueryRunner } from "../store/api-key-query-runner.js";
import { illegalArgument } from "../support/security-error.js";
import type { AggregationNode, AggregationRequest } from "./aggregation-node.js";
import { DateWorkBudget } from "./date-work-budget.js";
import { projectionFor, type StoredDocument } from "./document-values.js";
import { evaluateAggregations, type AggregationResult } from "./evaluate-aggregations.js";
import { attachJoinedValues, resolveJoinedFilter, type JoinedFields } from "./joined-fields.js";
import { and, type MongoFilter } from "./mongo-filter.js";
import { translateApiKeyQuery } from "./translate-query.js";
import type { RegexDialect } from "./wildcard-to-regex.js";

/** Most documents one request may aggregate over. */
export const DEFAULT_MAX_AGGREGATION_DOCUMENTS = 100_000;

/** Every `filter`/`filters` query in the tree (the keys of `EvaluateOptions.filterMatches`). */
export function collectFilterQueries(aggs: AggregationRequest): unknown[] {
  const queries: unknown[] = [];
  const visit = (nodes: readonly AggregationNode[]): void => {
    for (const node of nodes) {
      if (node.type === "filter") queries.push(node.query);
      if (node.type === "filters") for (const filter of node.filters) queries.push(filter.query);
      visit(node.subAggregations);
    }
  };
  visit(aggs);
  return queries;
}

/** The stored paths the aggregations read. */
export function aggregationPaths(aggs: AggregationRequest): string[] {
  const paths: string[] = [];
  const visit = (nodes: readonly AggregationNode[]): void => {
    for (const node of nodes) {
      if ("field" in node) paths.push(node.field.path);
      if (node.type === "composite") for (const source of node.sources) paths.push(source.field.path);
      visit(node.subAggregations);
    }
  };
  visit(aggs);
  return paths;
}

/** Options of {@link runAggregations}. */
export interface RunAggregationsOptions {
  /** Epoch ms for date math in filter queries. */
  readonly now: number;
  readonly typedKeys: boolean;
  /** How many documents match `filter` (when the caller already counted them), for the cap check. */
  readonly matching?: number | undefined;
  /** Default {@link DEFAULT_MAX_AGGREGATION_DOCUMENTS}. */
  readonly maxDocuments?: number | undefined;
  /** The server's regex dialect for filter queries (default `"portable"`). */
  readonly regexDialect?: RegexDialect | undefined;
  /** Fields kept outside the key documents (`last_used`), joined by key id (see joined-fields.ts). */
  readonly joined?: JoinedFields | undefined;
  /** The request's allowance of zoned date math, shared with its main query. */
  readonly budget?: DateWorkBudget | undefined;
}

function tooManyDocuments(max: number): Error {
  return illegalArgument(
    `[query_api_keys] aggregations are limited to [${max}] matching API keys; narrow the query to aggregate over fewer keys`,
  );
}

/**
 * Runs validated aggregations over the stored keys matching `filter` (the full query with its
 * scope): the filter queries first (their `_id`s), then one streamed read of the matches
 * projecting only the aggregated fields.
 */
export async function runAggregations(
  runner: ApiKeyQueryRunner,
  aggs: AggregationRequest,
  filter: MongoFilter,
  options: RunAggregationsOptions,
): Promise<AggregationResult> {
  const max = options.maxDocuments ?? DEFAULT_MAX_AGGREGATION_DOCUMENTS;
  if (options.matching !== undefined && options.matching > max) throw tooManyDocuments(max);

  const filterMatches = new Map<unknown, ReadonlySet<string>>();
  const budget = options.budget ?? new DateWorkBudget();
  await Promise.all(
    collectFilterQueries(aggs).map(async (query) => {
      const ids = new Set<string>();
      let translated = translateApiKeyQuery(query, options.now, { regexDialect: options.regexDialect, budget });
      if (options.joined) translated = await resolveJoinedFilter(translated, options.joined, max);
      await runner.scan({ filter: and([filter, translated]), projection: { _id: 1 } }, (doc) => {
        ids.add(String(doc._id));
        if (ids.size > max) throw tooManyDocuments(max);
      });
      filterMatches.set(query, ids);
    }),
  );

  let docs: StoredDocument[] = [];
  const paths = aggregationPaths(aggs);
  await runner.scan({ filter, projection: projectionFor(paths), batchSize: 1000 }, (doc) => {
    docs.push(doc);
    if (docs.length > max) throw tooManyDocuments(max);
  });
  const joined = options.joined;
  if (joined && paths.some((path) => joined.paths.has(path))) docs = await attachJoinedValues(docs, joined);
  return evaluateAggregations(aggs, docs, { typedKeys: options.typedKeys, filterMatches });
}
