/** The `composite` aggregation (`terms` sources): keys in source order, paged with `after`. */
import { illegalArgument } from "../support/security-error.js";
import { setOwnKey } from "../support/set-own-key.js";
import type { CompositeAggregation } from "./aggregation-node.js";
import { compareRaw, typedFieldValues, type RawValue, type StoredDocument } from "./document-values.js";
import { MAX_BUCKETS, countBuckets, type AggregationResult, type EvalState } from "./eval-state.js";
import { tooManyBucketsError } from "./query-errors.js";
import { UTC } from "./time-zone.js";

/** Document-to-key placements one `composite` aggregation may compute (multi-valued fields multiply them). */
export const MAX_COMPOSITE_PLACEMENTS = 1_048_576;

type CompositeKey = Array<RawValue | null>;

function compositeCompare(agg: CompositeAggregation, a: CompositeKey, b: CompositeKey): number {
  for (let i = 0; i < agg.sources.length; i++) {
    const source = agg.sources[i] as CompositeAggregation["sources"][number];
    const va = a[i] ?? null;
    const vb = b[i] ?? null;
    if (va === null || vb === null) {
      if (va === vb) continue;
      return (va === null) === source.missingFirst ? -1 : 1;
    }
    const c = compareRaw(va, vb);
    if (c !== 0) return source.order === "asc" ? c : -c;
  }
  return 0;
}

export function evaluateComposite(agg: CompositeAggregation, docs: readonly StoredDocument[], state: EvalState): AggregationResult {
  const groups = new Map<string, { key: CompositeKey; docs: StoredDocument[] }>();
  let placements = 0;
  for (const doc of docs) {
    let tuples: CompositeKey[] = [[]];
    for (const source of agg.sources) {
      const values: Array<RawValue | null> = [...new Set(typedFieldValues(doc, source.field))];
      if (values.length === 0) {
        if (!source.missingBucket) {
          tuples = [];
          break;
        }
        values.push(null);
      }
      // Multi-valued fields multiply: a document under more keys than a response may hold is refused.
      if (tuples.length * values.length > MAX_BUCKETS) throw tooManyBucketsError(MAX_BUCKETS, tuples.length * values.length);
      tuples = tuples.flatMap((tuple) => values.map((value) => [...tuple, value]));
    }
    placements += tuples.length;
    if (placements > MAX_COMPOSITE_PLACEMENTS) {
      throw illegalArgument(
        `[composite] aggregation [${agg.name}] places the matching API keys under more than [${MAX_COMPOSITE_PLACEMENTS}] keys; narrow the query or the sources`,
      );
    }
    for (const tuple of tuples) {
      const id = JSON.stringify(tuple.map((v) => (v === null ? null : [typeof v, v])));
      let group = groups.get(id);
      if (!group) {
        group = { key: tuple, docs: [] };
        groups.set(id, group);
      }
      group.docs.push(doc);
    }
  }
  let sorted = [...groups.values()].sort((a, b) => compositeCompare(agg, a.key, b.key));
  if (agg.after) {
    const after = agg.after as CompositeKey;
    sorted = sorted.filter((group) => compositeCompare(agg, group.key, after) > 0);
  }
  const page = sorted.slice(0, agg.size);
  countBuckets(state, page.length);
  const renderKey = (key: CompositeKey): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    agg.sources.forEach((source, i) => {
      const value = key[i] ?? null;
      setOwnKey(out, source.name, value !== null && source.format && typeof value === "number" ? source.format.format(value, UTC) : value);
    });
    return out;
  };
  const result: AggregationResult = {};
  const last = page[page.length - 1];
  if (last) result.after_key = renderKey(last.key);
  result.buckets = page.map((group) => ({
    key: renderKey(group.key),
    doc_count: group.docs.length,
    ...state.evaluateLevel(agg.subAggregations, group.docs, state),
  }));
  return result;
}
