/** The `filters` aggregation, over the `_id`s its queries matched on the server. */
import { setOwnKey } from "../support/set-own-key.js";
import type { FiltersAggregation } from "./aggregation-node.js";
import type { StoredDocument } from "./document-values.js";
import { countBuckets, idOf, type AggregationResult, type EvalState } from "./eval-state.js";

export function evaluateFilters(agg: FiltersAggregation, docs: readonly StoredDocument[], state: EvalState): AggregationResult {
  const matchedAny = new Set<string>();
  const buckets = agg.filters.map((filter) => {
    const matches = state.options.filterMatches.get(filter.query) ?? new Set<string>();
    const inBucket = docs.filter((doc) => matches.has(idOf(doc)));
    for (const doc of inBucket) matchedAny.add(idOf(doc));
    return { key: filter.key, docs: inBucket };
  });
  if (agg.otherBucketKey !== undefined) {
    buckets.push({ key: agg.otherBucketKey, docs: docs.filter((doc) => !matchedAny.has(idOf(doc))) });
  }
  countBuckets(state, buckets.length);
  const rendered = buckets.map((bucket) => ({
    key: bucket.key,
    body: { doc_count: bucket.docs.length, ...state.evaluateLevel(agg.subAggregations, bucket.docs, state) },
  }));
  if (agg.keyed) {
    const keyed: AggregationResult = {};
    for (const bucket of rendered) setOwnKey(keyed, bucket.key as string, bucket.body);
    return { buckets: keyed };
  }
  return {
    buckets: rendered.map((bucket) => (bucket.key === undefined ? bucket.body : { key: bucket.key, ...bucket.body })),
  };
}
