/** The `range` query, on date, boolean and keyword fields. */
import { isPlainObject } from "../support/is-plain-object.js";
import { illegalArgument } from "../support/security-error.js";
import { booleanValue, dateValue, isScalar, jsonType, keywordValue, longValue, type ScalarValue } from "./api-key-fields.js";
import { parseDateFormat } from "./date-format.js";
import { existsFilter, fieldFilter } from "./field-filters.js";
import { or, type MongoFilter } from "./mongo-filter.js";
import { checkOnlyKeys, optionalBoolean, optionalString, singleField, type JsonObject, type QueryContext } from "./query-context.js";
import { parsingError } from "./query-errors.js";
import { parseTimeZone } from "./time-zone.js";

const RANGE_OPTIONS = ["gt", "gte", "lt", "lte", "from", "to", "include_lower", "include_upper", "format", "time_zone", "relation"];

type Bound = { value: ScalarValue; inclusive: boolean };

function rangeBound(raw: JsonObject, key: string): ScalarValue | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (!isScalar(value)) throw parsingError(`[range] query does not support [${key}] of type [${jsonType(value)}]`);
  return value;
}

export function translateRange(body: JsonObject, context: QueryContext): MongoFilter {
  const [fieldName, raw] = singleField(body, "range");
  if (!isPlainObject(raw)) throw parsingError(`[range] query does not support [${fieldName}]`);
  checkOnlyKeys(raw, "range", RANGE_OPTIONS);
  if (raw.relation !== undefined) throw illegalArgument("range query with relation is not currently supported in this context");
  let lower: Bound | undefined;
  let upper: Bound | undefined;
  const from = rangeBound(raw, "from");
  const to = rangeBound(raw, "to");
  const includeLower = optionalBoolean(raw, "include_lower", "range") ?? true;
  const includeUpper = optionalBoolean(raw, "include_upper", "range") ?? true;
  if (from !== undefined) lower = { value: from, inclusive: includeLower };
  if (to !== undefined) upper = { value: to, inclusive: includeUpper };
  const gt = rangeBound(raw, "gt");
  const gte = rangeBound(raw, "gte");
  const lt = rangeBound(raw, "lt");
  const lte = rangeBound(raw, "lte");
  if (gt !== undefined) lower = { value: gt, inclusive: false };
  if (gte !== undefined) lower = { value: gte, inclusive: true };
  if (lt !== undefined) upper = { value: lt, inclusive: false };
  if (lte !== undefined) upper = { value: lte, inclusive: true };
  const formatOption = optionalString(raw, "format", "range");
  const zoneOption = optionalString(raw, "time_zone", "range");
  const field = context.fields.resolve(fieldName);
  if (lower === undefined && upper === undefined) return existsFilter(field);

  if (field.kind === "date") {
    const format = formatOption !== undefined ? parseDateFormat(formatOption) : undefined;
    const timeZone = zoneOption !== undefined ? parseTimeZone(zoneOption) : undefined;
    const condition: Record<string, number> = {};
    // Elasticsearch rounds exclusive lower and inclusive upper bounds up (`gt: now/d` = after today).
    if (lower)
      condition[lower.inclusive ? "$gte" : "$gt"] = dateValue(lower.value, {
        now: context.now,
        roundUp: !lower.inclusive,
        format,
        timeZone,
        budget: context.budget,
      });
    if (upper)
      condition[upper.inclusive ? "$lte" : "$lt"] = dateValue(upper.value, {
        now: context.now,
        roundUp: upper.inclusive,
        format,
        timeZone,
        budget: context.budget,
      });
    return fieldFilter(field, condition);
  }
  if (field.kind === "long") {
    const condition: Record<string, number> = {};
    if (lower) condition[lower.inclusive ? "$gte" : "$gt"] = longValue(lower.value);
    if (upper) condition[upper.inclusive ? "$lte" : "$lt"] = longValue(upper.value);
    return fieldFilter(field, condition);
  }
  if (field.kind === "boolean") {
    const condition: Record<string, boolean> = {};
    if (lower) condition[lower.inclusive ? "$gte" : "$gt"] = booleanValue(lower.value);
    if (upper) condition[upper.inclusive ? "$lte" : "$lt"] = booleanValue(upper.value);
    return fieldFilter(field, condition);
  }
  // Keywords compare as strings (flattened metadata: only string-valued leaves, see the README notes).
  const condition: Record<string, string> = {};
  const lowerText = lower ? keywordValue(lower.value, "range") : undefined;
  const upperText = upper ? keywordValue(upper.value, "range") : undefined;
  if (lower && lowerText !== undefined) condition[lower.inclusive ? "$gte" : "$gt"] = lowerText;
  if (upper && upperText !== undefined) condition[upper.inclusive ? "$lte" : "$lt"] = upperText;
  const filter = fieldFilter(field, condition);
  if (field.missingAs !== undefined) {
    const missing = field.missingAs;
    const aboveLower = lowerText === undefined || (lower?.inclusive ? missing >= lowerText : missing > lowerText);
    const belowUpper = upperText === undefined || (upper?.inclusive ? missing <= upperText : missing < upperText);
    if (aboveLower && belowUpper) return or([filter, fieldFilter(field, { $eq: null })]);
  }
  return filter;
}
