/** Parsing the bucket aggregations with options of their own: `terms`, `range`/`date_range`, `composite`, `filters`. */
import { isPlainObject } from "../support/is-plain-object.js";
import { illegalArgument, xContentParseError } from "../support/security-error.js";
import { dateValue, resolveApiKeyField } from "./api-key-fields.js";
import {
  checkKeys,
  countFilter,
  direction,
  positiveInteger,
  stringSet,
  typedValue,
  valuesSourceField,
  type ParseState,
} from "./aggregation-body.js";
import type {
  AggregationBase,
  CompositeAggregation,
  CompositeSource,
  FiltersAggregation,
  RangeAggregation,
  RangeSpec,
  TermsAggregation,
  TermsOrder,
} from "./aggregation-node.js";
import { parseDateFormat } from "./date-format.js";
import type { RawValue } from "./document-values.js";
import { type JsonObject } from "./query-context.js";
import { aggregationInitializationError, parsingError } from "./query-errors.js";
import { parseTimeZone } from "./time-zone.js";
import { translateApiKeyQuery } from "./translate-query.js";

/** Ranges of one `range` / `date_range` aggregation (each is a pass over the matching keys). */
export const MAX_RANGES = 1024;
/** Sources of one `composite` aggregation (each multiplies the keys a document falls under). */
export const MAX_COMPOSITE_SOURCES = 16;

export function parseTerms(name: string, body: JsonObject, base: AggregationBase, now: number): TermsAggregation {
  checkKeys(body, "terms", [
    "field",
    "size",
    "shard_size",
    "min_doc_count",
    "shard_min_doc_count",
    "order",
    "missing",
    "include",
    "exclude",
    "execution_hint",
    "collect_mode",
    "show_term_doc_count_error",
    "format",
    "value_type",
  ]);
  const field = valuesSourceField(name, body);
  const size = body.size === undefined ? 10 : positiveInteger(body.size, "size", name, false);
  const minDocCount = body.min_doc_count === undefined ? 1 : positiveInteger(body.min_doc_count, "minDocCount", name, true);
  const orders: TermsOrder[] = [];
  if (body.order !== undefined) {
    const list = Array.isArray(body.order) ? body.order : [body.order];
    for (const entry of list) {
      if (!isPlainObject(entry) || Object.keys(entry).length !== 1)
        throw parsingError(`Order must be an object with a single key in [${name}]`);
      const [by, dir] = Object.entries(entry)[0] as [string, unknown];
      if (by === "_term") throw illegalArgument("Deprecated aggregation order key [_term] used, replaced by [_key]");
      if (by !== "_count" && by !== "_key") {
        const sub = base.subAggregations.find((s) => s.name === by);
        if (!sub) throw aggregationInitializationError(`Invalid aggregation order path [${by}]. Unknown aggregation [${by}]`);
        if (sub.type !== "cardinality" && sub.type !== "value_count" && sub.type !== "filter" && sub.type !== "missing") {
          throw aggregationInitializationError(
            `Invalid aggregation order path [${by}]. Buckets can only be sorted on a sub-aggregator path that is built out of ` +
              "zero or more single-bucket aggregations within the path and a final single-bucket or a metrics aggregation at the path end.",
          );
        }
      }
      orders.push({ by, direction: direction(dir, "terms") });
    }
  }
  if (orders.length === 0) orders.push({ by: "_count", direction: "desc" });
  if (body.format !== undefined && field.kind !== "date") {
    throw illegalArgument(`Field [${field.indexName}] of type [${field.kind}] does not support custom formats`);
  }
  const format = body.format !== undefined ? parseDateFormat(body.format) : undefined;
  return {
    ...base,
    type: "terms",
    field,
    size,
    minDocCount,
    order: orders,
    missing: body.missing === undefined ? undefined : typedValue(field, body.missing, now),
    include: stringSet(body.include, "include"),
    exclude: stringSet(body.exclude, "exclude"),
    format,
  };
}

export function parseRange(
  name: string,
  type: "range" | "date_range",
  body: JsonObject,
  base: AggregationBase,
  state: ParseState,
): RangeAggregation {
  const { now, budget } = state;
  checkKeys(body, type, ["field", "ranges", "keyed", "format", "time_zone", "missing", "value_type"]);
  const field = valuesSourceField(name, body);
  if (field.kind !== "date") {
    throw illegalArgument(`Field [${field.indexName}] of type [${field.kind}] is not supported for aggregation [${type}]`);
  }
  const format = body.format !== undefined ? parseDateFormat(body.format) : undefined;
  const timeZone = body.time_zone !== undefined ? parseTimeZone(body.time_zone) : undefined;
  if (body.ranges === undefined || (Array.isArray(body.ranges) && body.ranges.length === 0)) {
    throw illegalArgument(`No [ranges] specified for the [${name}] aggregation`);
  }
  if (!Array.isArray(body.ranges)) throw parsingError(`[${type}] failed to parse field [ranges]`);
  if (body.ranges.length > MAX_RANGES) {
    throw illegalArgument(`[${type}] aggregation [${name}] has [${body.ranges.length}] ranges, the maximum is [${MAX_RANGES}]`);
  }
  const bound = (value: unknown): number | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" && typeof value !== "string") throw parsingError(`[${type}] range bounds must be numbers or strings`);
    return dateValue(value, { now, format, timeZone, budget });
  };
  const ranges: RangeSpec[] = body.ranges.map((entry) => {
    if (!isPlainObject(entry)) throw parsingError(`[${type}] failed to parse field [ranges]`);
    for (const key of Object.keys(entry)) {
      if (key !== "from" && key !== "to" && key !== "key") throw xContentParseError(`[range] unknown field [${key}]`);
    }
    if (entry.key !== undefined && typeof entry.key !== "string") throw parsingError(`[${type}] range [key] must be a string`);
    return { key: entry.key, from: bound(entry.from), to: bound(entry.to) };
  });
  // Elasticsearch orders ranges by `from`, then `to` (absent from first, absent to last).
  ranges.sort((a, b) => (a.from ?? -Infinity) - (b.from ?? -Infinity) || (a.to ?? Infinity) - (b.to ?? Infinity));
  const keyed = body.keyed === undefined ? false : body.keyed === true;
  const missing = body.missing === undefined ? undefined : bound(body.missing);
  return { ...base, type, field, ranges, keyed, format, timeZone, missing };
}

export function parseComposite(name: string, body: JsonObject, base: AggregationBase, now: number): CompositeAggregation {
  checkKeys(body, "composite", ["sources", "size", "after"]);
  if (!Array.isArray(body.sources) || body.sources.length === 0) throw illegalArgument(`Composite [sources] cannot be null or empty`);
  if (body.sources.length > MAX_COMPOSITE_SOURCES) {
    throw illegalArgument(
      `[composite] aggregation [${name}] has [${body.sources.length}] sources, the maximum is [${MAX_COMPOSITE_SOURCES}]`,
    );
  }
  const names = new Set<string>();
  const sources: CompositeSource[] = body.sources.map((entry) => {
    if (!isPlainObject(entry) || Object.keys(entry).length !== 1)
      throw parsingError(`[composite] each source must be an object with a single name`);
    const [sourceName, spec] = Object.entries(entry)[0] as [string, unknown];
    if (names.has(sourceName)) throw illegalArgument(`Composite source names must be unique, found duplicates: [${sourceName}]`);
    names.add(sourceName);
    if (!isPlainObject(spec) || Object.keys(spec).length !== 1)
      throw parsingError(`[composite] source [${sourceName}] must hold one value source`);
    const [sourceType, options] = Object.entries(spec)[0] as [string, unknown];
    if (sourceType !== "terms") {
      throw illegalArgument(
        `Unsupported value source type for [${sourceName}] of composite agg [${name}].Only [terms] value sources are allowed.`,
      );
    }
    if (!isPlainObject(options)) throw parsingError(`[terms] source [${sourceName}] must be an object`);
    if (options.script !== undefined) {
      throw illegalArgument(`Unsupported script value source for [${sourceName}] of composite agg [${name}]`);
    }
    checkKeys(options, "terms", ["field", "order", "missing_bucket", "missing_order", "format", "value_type"]);
    if (options.field === undefined) throw illegalArgument("Required one of fields [field, script], but none were specified.");
    const field = resolveApiKeyField(options.field);
    const order = options.order === undefined ? "asc" : direction(options.order, "composite");
    const missingBucket = options.missing_bucket === true;
    const missingOrder = options.missing_order ?? "default";
    if (missingOrder !== "default" && missingOrder !== "first" && missingOrder !== "last") {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- echoes what the request sent, as Elasticsearch does
      throw illegalArgument(`Unknown MissingOrder value [${String(missingOrder)}]`);
    }
    if (options.format !== undefined && field.kind !== "date") {
      throw illegalArgument(`Field [${field.indexName}] of type [${field.kind}] does not support custom formats`);
    }
    return {
      name: sourceName,
      field,
      order,
      missingBucket,
      missingFirst: missingOrder === "first" || (missingOrder === "default" && order === "asc"),
      format: options.format !== undefined ? parseDateFormat(options.format) : undefined,
    };
  });
  const size = body.size === undefined ? 10 : positiveInteger(body.size, "size", name, false);
  let after: Array<RawValue | null> | undefined;
  if (body.after !== undefined) {
    if (!isPlainObject(body.after)) throw parsingError(`[composite] failed to parse field [after]`);
    const afterObject = body.after;
    if (Object.keys(afterObject).length !== sources.length) {
      throw illegalArgument(`[after] has ${Object.keys(afterObject).length} value(s) but [sources] has ${sources.length}`);
    }
    after = sources.map((source) => {
      if (!Object.prototype.hasOwnProperty.call(afterObject, source.name)) {
        throw illegalArgument(`[after] key [${source.name}] is missing from the composite [${name}] after key`);
      }
      const value = afterObject[source.name];
      if (value === null) {
        if (!source.missingBucket) throw illegalArgument(`Cannot set missing value for source [${source.name}] without [missing_bucket]`);
        return null;
      }
      if (source.field.kind === "date" && typeof value === "string" && source.format) {
        return dateValue(value, { now, format: source.format });
      }
      return typedValue(source.field, value, now);
    });
  }
  return { ...base, type: "composite", sources, size, after };
}

export function parseFilters(body: JsonObject, base: AggregationBase, state: ParseState): FiltersAggregation {
  checkKeys(body, "filters", ["filters", "other_bucket", "other_bucket_key", "keyed"]);
  const raw = body.filters;
  let filters: Array<{ key: string | undefined; query: unknown }>;
  let keyed: boolean;
  if (isPlainObject(raw)) {
    keyed = true;
    filters = Object.entries(raw).map(([key, query]) => ({ key, query }));
    filters.sort((a, b) => ((a.key as string) < (b.key as string) ? -1 : (a.key as string) > (b.key as string) ? 1 : 0));
  } else if (Array.isArray(raw)) {
    keyed = false;
    filters = (raw as unknown[]).map((query) => ({ key: undefined, query }));
  } else {
    throw illegalArgument("[filters] cannot be null");
  }
  if (filters.length === 0) throw illegalArgument("[filters] cannot be empty.");
  for (const filter of filters) {
    countFilter(state);
    translateApiKeyQuery(filter.query, state.now, { budget: state.budget });
  }
  if (body.other_bucket !== undefined && typeof body.other_bucket !== "boolean")
    throw parsingError("[filters] failed to parse field [other_bucket]");
  if (body.other_bucket_key !== undefined && typeof body.other_bucket_key !== "string")
    throw parsingError("[filters] failed to parse field [other_bucket_key]");
  if (body.keyed !== undefined && typeof body.keyed !== "boolean") throw parsingError("[filters] failed to parse field [keyed]");
  if (body.keyed === false) keyed = false;
  const otherBucket = body.other_bucket === true || body.other_bucket_key !== undefined;
  const otherBucketKey = otherBucket ? (body.other_bucket_key ?? "_other_") : undefined;
  return { ...base, type: "filters", filters, keyed, otherBucketKey };
}
