/**
 * What evaluating one request's aggregations shares: the options, the bucket count (bounded by
 * `search.max_buckets`), and the helpers every aggregation type uses.
 */
import type { ApiKeyField } from "./api-key-fields.js";
import type { AggregationNode } from "./aggregation-node.js";
import { typedFieldValues, type RawValue, type StoredDocument } from "./document-values.js";
import { tooManyBucketsError } from "./query-errors.js";

/** `search.max_buckets`. */
export const MAX_BUCKETS = 65_536;

/** An aggregation result object, as rendered in the response. */
export type AggregationResult = { [key: string]: unknown };

/** Options of `evaluateAggregations`. */
export interface EvaluateOptions {
  /** Prefix result names with their type (`sterms#name`), the `typed_keys` parameter. */
  readonly typedKeys: boolean;
  /** The `_id`s matching each `filter`/`filters` query, keyed by the queries `collectFilterQueries` lists. */
  readonly filterMatches: ReadonlyMap<unknown, ReadonlySet<string>>;
}

/** The state of one evaluation. */
export interface EvalState {
  readonly options: EvaluateOptions;
  buckets: number;
  /**
   * Evaluates a level of sub-aggregations, and one aggregation: the dispatcher of
   * evaluate-aggregations.ts, handed down so the per-type evaluators do not import it back.
   */
  readonly evaluateLevel: (aggs: readonly AggregationNode[], docs: readonly StoredDocument[], state: EvalState) => AggregationResult;
  readonly evaluateOne: (agg: AggregationNode, docs: readonly StoredDocument[], state: EvalState) => AggregationResult;
}

export function idOf(doc: StoredDocument): string {
  return String(doc._id);
}

export function countBuckets(state: EvalState, n: number): void {
  state.buckets += n;
  if (state.buckets > MAX_BUCKETS) throw tooManyBucketsError(MAX_BUCKETS, state.buckets);
}

export function valuesWithMissing(doc: StoredDocument, field: ApiKeyField, missing: RawValue | undefined): RawValue[] {
  const values = typedFieldValues(doc, field);
  if (values.length === 0 && missing !== undefined) return [missing];
  return values;
}

export function singleBucket(agg: AggregationNode, docs: readonly StoredDocument[], state: EvalState): AggregationResult {
  countBuckets(state, 1);
  return { doc_count: docs.length, ...state.evaluateLevel(agg.subAggregations, docs, state) };
}
