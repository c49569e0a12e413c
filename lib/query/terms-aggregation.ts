/** The `terms` aggregation: exact counts, ordered by count, key or a single-value sub-aggregation. */
import type { TermsAggregation } from "./aggregation-node.js";
import { DEFAULT_FORMAT } from "./date-format.js";
import { compareRaw, type RawValue, type StoredDocument } from "./document-values.js";
import { countBuckets, valuesWithMissing, type AggregationResult, type EvalState } from "./eval-state.js";
import { UTC } from "./time-zone.js";

interface TermBucket {
  key: RawValue;
  docs: StoredDocument[];
  subs?: AggregationResult;
}

function termsKeyOut(agg: TermsAggregation, key: RawValue): Record<string, unknown> {
  if (agg.field.kind === "date") {
    return { key, key_as_string: (agg.format ?? DEFAULT_FORMAT).format(key as number, UTC) };
  }
  if (agg.field.kind === "boolean") return { key: key === true ? 1 : 0, key_as_string: key === true ? "true" : "false" };
  return { key };
}

function subValue(agg: TermsAggregation, bucket: TermBucket, by: string, state: EvalState): number {
  const sub = agg.subAggregations.find((s) => s.name === by);
  if (!sub) return 0;
  const result = state.evaluateOne(sub, bucket.docs, { ...state, buckets: 0 });
  const value = sub.type === "cardinality" || sub.type === "value_count" ? result.value : result.doc_count;
  return typeof value === "number" ? value : 0;
}

export function evaluateTerms(agg: TermsAggregation, docs: readonly StoredDocument[], state: EvalState): AggregationResult {
  const groups = new Map<string, TermBucket>();
  for (const doc of docs) {
    const seen = new Set<string>();
    for (const value of valuesWithMissing(doc, agg.field, agg.missing)) {
      const id = `${typeof value}:${String(value)}`;
      if (seen.has(id)) continue;
      seen.add(id);
      if (agg.include && !agg.include.has(String(value))) continue;
      if (agg.exclude && agg.exclude.has(String(value))) continue;
      let bucket = groups.get(id);
      if (!bucket) {
        bucket = { key: value, docs: [] };
        groups.set(id, bucket);
      }
      bucket.docs.push(doc);
    }
  }
  const buckets = [...groups.values()].filter((b) => b.docs.length >= Math.max(agg.minDocCount, 1));
  const needsSub = agg.order.some((o) => o.by !== "_count" && o.by !== "_key");
  const subCache = new Map<TermBucket, Map<string, number>>();
  const orderValue = (bucket: TermBucket, by: string): number => {
    let cache = subCache.get(bucket);
    if (!cache) {
      cache = new Map();
      subCache.set(bucket, cache);
    }
    let value = cache.get(by);
    if (value === undefined) {
      value = subValue(agg, bucket, by, state);
      cache.set(by, value);
    }
    return value;
  };
  buckets.sort((a, b) => {
    for (const order of agg.order) {
      let c: number;
      if (order.by === "_count") c = a.docs.length - b.docs.length;
      else if (order.by === "_key") c = compareRaw(a.key, b.key);
      else c = needsSub ? orderValue(a, order.by) - orderValue(b, order.by) : 0;
      if (c !== 0) return order.direction === "asc" ? c : -c;
    }
    return compareRaw(a.key, b.key);
  });
  const shown = buckets.slice(0, agg.size);
  const other = buckets.slice(agg.size).reduce((sum, b) => sum + b.docs.length, 0);
  countBuckets(state, shown.length);
  return {
    doc_count_error_upper_bound: 0,
    sum_other_doc_count: other,
    buckets: shown.map((bucket) => ({
      ...termsKeyOut(agg, bucket.key),
      doc_count: bucket.docs.length,
      ...state.evaluateLevel(agg.subAggregations, bucket.docs, state),
    })),
  };
}
