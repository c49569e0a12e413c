/** The validated aggregations of a Query API keys request: what parsing produces and evaluation reads. */
import type { ApiKeyField } from "./api-key-fields.js";
import type { DateFormat } from "./date-format.js";
import type { RawValue } from "./document-values.js";
import type { JsonObject } from "./query-context.js";
import type { TimeZone } from "./time-zone.js";

/** What every aggregation carries. */
export interface AggregationBase {
  readonly name: string;
  /** Echoed back as `meta`. */
  readonly meta: JsonObject | undefined;
  readonly subAggregations: readonly AggregationNode[];
}

/** One `order` criterion of a `terms` aggregation. */
export interface TermsOrder {
  /** `_count`, `_key`, or the name of a single-value sub-aggregation. */
  readonly by: string;
  readonly direction: "asc" | "desc";
}

export interface TermsAggregation extends AggregationBase {
  readonly type: "terms";
  readonly field: ApiKeyField;
  readonly size: number;
  readonly minDocCount: number;
  readonly order: readonly TermsOrder[];
  readonly missing: RawValue | undefined;
  readonly include: ReadonlySet<string> | undefined;
  readonly exclude: ReadonlySet<string> | undefined;
  readonly format: DateFormat | undefined;
}

/** One range of a `range` / `date_range` aggregation, bounds in epoch ms (dates). */
export interface RangeSpec {
  readonly key: string | undefined;
  readonly from: number | undefined;
  readonly to: number | undefined;
}

export interface RangeAggregation extends AggregationBase {
  readonly type: "range" | "date_range";
  readonly field: ApiKeyField;
  readonly ranges: readonly RangeSpec[];
  readonly keyed: boolean;
  readonly format: DateFormat | undefined;
  readonly timeZone: TimeZone | undefined;
  readonly missing: number | undefined;
}

export interface MissingAggregation extends AggregationBase {
  readonly type: "missing";
  readonly field: ApiKeyField;
}

export interface MetricAggregation extends AggregationBase {
  readonly type: "cardinality" | "value_count";
  readonly field: ApiKeyField;
  readonly missing: RawValue | undefined;
}

/** One `terms` source of a `composite` aggregation. */
export interface CompositeSource {
  readonly name: string;
  readonly field: ApiKeyField;
  readonly order: "asc" | "desc";
  readonly missingBucket: boolean;
  /** Where the `null` bucket goes. */
  readonly missingFirst: boolean;
  readonly format: DateFormat | undefined;
}

export interface CompositeAggregation extends AggregationBase {
  readonly type: "composite";
  readonly sources: readonly CompositeSource[];
  readonly size: number;
  /** Per-source `after` values (`null` = the missing bucket). */
  readonly after: ReadonlyArray<RawValue | null> | undefined;
}

export interface FilterAggregation extends AggregationBase {
  readonly type: "filter";
  /** The (validated) query, translated again at execution with the request's `now`. */
  readonly query: unknown;
}

export interface FiltersAggregation extends AggregationBase {
  readonly type: "filters";
  /** Keyed filters (sorted by key, as Elasticsearch does) or anonymous ones (`key` undefined). */
  readonly filters: ReadonlyArray<{ readonly key: string | undefined; readonly query: unknown }>;
  readonly keyed: boolean;
  readonly otherBucketKey: string | undefined;
}

/** A validated aggregation. */
export type AggregationNode =
  | TermsAggregation
  | RangeAggregation
  | MissingAggregation
  | MetricAggregation
  | CompositeAggregation
  | FilterAggregation
  | FiltersAggregation;

/** The validated `aggs` of a request, in request order. */
export type AggregationRequest = readonly AggregationNode[];
