/**
 * Evaluates validated API-key aggregations (see `parse-aggregations.ts`) over the matching
 * documents, and renders them exactly as Elasticsearch does (bucket shapes, `key_as_string`,
 * `sum_other_doc_count`, `after_key`, `typed_keys` prefixes). Pure: the documents and the
 * `filter` matches are read beforehand (`run-aggregations.ts`).
 */
import { setOwnKey } from "../support/set-own-key.js";
import type { AggregationNode, AggregationRequest } from "./aggregation-node.js";
import { evaluateComposite } from "./composite-aggregation.js";
import { typedFieldValues, type StoredDocument } from "./document-values.js";
import { idOf, singleBucket, valuesWithMissing, type AggregationResult, type EvalState, type EvaluateOptions } from "./eval-state.js";
import { evaluateFilters } from "./filters-aggregation.js";
import { evaluateRange } from "./range-aggregation.js";
import { evaluateTerms } from "./terms-aggregation.js";

export type { AggregationResult, EvaluateOptions } from "./eval-state.js";

/**
 * Computes `aggs` over `docs` (the documents matching the request's query and scope).
 * @returns the response's `aggregations` object.
 */
export function evaluateAggregations(
  aggs: AggregationRequest,
  docs: readonly StoredDocument[],
  options: EvaluateOptions,
): AggregationResult {
  const state: EvalState = { options, buckets: 0, evaluateLevel, evaluateOne };
  return evaluateLevel(aggs, docs, state);
}

function evaluateLevel(aggs: readonly AggregationNode[], docs: readonly StoredDocument[], state: EvalState): AggregationResult {
  // Aggregation names, range keys, composite source names and bucket keys come from requests and
  // stored data: they are defined as own keys (setOwnKey), so `__proto__` stays a key.
  const out: AggregationResult = {};
  for (const agg of aggs) {
    const result = evaluateOne(agg, docs, state);
    if (agg.meta !== undefined) result.meta = agg.meta;
    const name = state.options.typedKeys ? `${typedName(agg)}#${agg.name}` : agg.name;
    setOwnKey(out, name, result);
  }
  return out;
}

/** The `typed_keys` prefix of an aggregation's result. */
export function typedName(agg: AggregationNode): string {
  if (agg.type === "terms") return agg.field.kind === "keyword" ? "sterms" : "lterms";
  return agg.type;
}

function evaluateOne(agg: AggregationNode, docs: readonly StoredDocument[], state: EvalState): AggregationResult {
  switch (agg.type) {
    case "terms":
      return evaluateTerms(agg, docs, state);
    case "range":
    case "date_range":
      return evaluateRange(agg, docs, state);
    case "missing": {
      const matching = docs.filter((doc) => typedFieldValues(doc, agg.field).length === 0);
      return singleBucket(agg, matching, state);
    }
    case "cardinality": {
      const distinct = new Set<string>();
      for (const doc of docs) {
        const values = valuesWithMissing(doc, agg.field, agg.missing);
        for (const value of values) distinct.add(`${typeof value}:${String(value)}`);
      }
      return { value: distinct.size };
    }
    case "value_count": {
      let count = 0;
      for (const doc of docs) {
        const values = valuesWithMissing(doc, agg.field, agg.missing);
        // Keyword doc values are a set per document; numeric ones keep duplicates.
        count += agg.field.kind === "keyword" ? new Set(values).size : values.length;
      }
      return { value: count };
    }
    case "composite":
      return evaluateComposite(agg, docs, state);
    case "filter": {
      const matches = state.options.filterMatches.get(agg.query) ?? new Set<string>();
      return singleBucket(
        agg,
        docs.filter((doc) => matches.has(idOf(doc))),
        state,
      );
    }
    case "filters":
      return evaluateFilters(agg, docs, state);
  }
}
