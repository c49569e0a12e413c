/** The `range` and `date_range` aggregations over date fields. */
import { illegalArgument } from "../support/security-error.js";
import { setOwnKey } from "../support/set-own-key.js";
import type { RangeAggregation } from "./aggregation-node.js";
import { DEFAULT_FORMAT, type DateFormat } from "./date-format.js";
import { typedFieldValues, type StoredDocument } from "./document-values.js";
import { countBuckets, type AggregationResult, type EvalState } from "./eval-state.js";
import { UTC } from "./time-zone.js";

/** Key-range tests one `range` / `date_range` aggregation may make (ranges × matching keys; ~0.1 s). */
export const MAX_RANGE_TESTS = 4_194_304;

export function evaluateRange(agg: RangeAggregation, docs: readonly StoredDocument[], state: EvalState): AggregationResult {
  const format: DateFormat = agg.format ?? DEFAULT_FORMAT;
  const zone = agg.timeZone ?? UTC;
  const print = (ms: number): string => format.format(ms, zone);
  const values = docs.map((doc) => {
    const typed = typedFieldValues(doc, agg.field) as number[];
    return typed.length === 0 && agg.missing !== undefined ? [agg.missing] : typed;
  });
  countBuckets(state, agg.ranges.length);
  // Each range is a pass over the keys: 1,024 ranges over 100,000 keys would hold the event loop
  // for about a second.
  if (agg.ranges.length * docs.length > MAX_RANGE_TESTS) {
    throw illegalArgument(
      `[${agg.type}] aggregation [${agg.name}] would test [${agg.ranges.length}] ranges against [${docs.length}] API keys; ` +
        `at most [${MAX_RANGE_TESTS}] key-range tests are allowed: use fewer ranges or narrow the query`,
    );
  }
  const buckets = agg.ranges.map((range) => {
    const inRange = docs.filter((_, i) =>
      (values[i] as number[]).some((v) => (range.from === undefined || v >= range.from) && (range.to === undefined || v < range.to)),
    );
    const key = range.key ?? `${range.from === undefined ? "*" : print(range.from)}-${range.to === undefined ? "*" : print(range.to)}`;
    const bucket: AggregationResult = { key };
    if (range.from !== undefined) {
      bucket.from = range.from;
      bucket.from_as_string = print(range.from);
    }
    if (range.to !== undefined) {
      bucket.to = range.to;
      bucket.to_as_string = print(range.to);
    }
    bucket.doc_count = inRange.length;
    // Spread, not Object.assign: it defines keys, so a sub-aggregation named `__proto__` stays one.
    return { ...bucket, ...state.evaluateLevel(agg.subAggregations, inRange, state) };
  });
  if (agg.keyed) {
    const keyed: AggregationResult = {};
    for (const bucket of buckets) {
      const { key, ...rest } = bucket;
      setOwnKey(keyed, String(key), rest);
    }
    return { buckets: keyed };
  }
  return { buckets };
}
