/**
 * Elasticsearch date math (`now-1d/d`, `2024-01-01||+1M`) over a date format and a time zone.
 * Dates are epoch milliseconds. When parsing an upper bound, `/unit` rounds to the end of the unit.
 */
import { isDigit } from "../support/is-digit.js";
import { SecurityError, illegalArgument, parseError } from "../support/security-error.js";
import { DAY, HOUR, MINUTE, addMonths, mod, utcMs } from "./calendar.js";
import { DEFAULT_FORMAT, type DateFormat } from "./date-format.js";
import type { DateWorkBudget } from "./date-work-budget.js";
import { UTC, type TimeZone } from "./time-zone.js";

type DateUnit = "y" | "M" | "w" | "d" | "h" | "H" | "m" | "s";

function isDateUnit(c: string): c is DateUnit {
  return c === "y" || c === "M" || c === "w" || c === "d" || c === "h" || c === "H" || c === "m" || c === "s";
}

/** Adds `amount` units to an instant, calendar units in the zone's wall-clock time. */
function addUnits(instant: number, unit: DateUnit, amount: number, zone: TimeZone): number {
  switch (unit) {
    case "h":
    case "H":
      return instant + amount * HOUR;
    case "m":
      return instant + amount * MINUTE;
    case "s":
      return instant + amount * 1000;
    default: {
      const local = instant + zone.offsetAt(instant) * MINUTE;
      let shifted: number;
      if (unit === "y") shifted = addMonths(local, amount * 12);
      else if (unit === "M") shifted = addMonths(local, amount);
      else if (unit === "w") shifted = local + amount * 7 * DAY;
      else shifted = local + amount * DAY;
      return zone.toInstant(shifted);
    }
  }
}

/** Truncates an instant to the start of its unit, in the zone's wall-clock time. */
function roundDown(instant: number, unit: DateUnit, zone: TimeZone): number {
  const local = instant + zone.offsetAt(instant) * MINUTE;
  const date = new Date(local);
  const y = date.getUTCFullYear();
  const mo = date.getUTCMonth() + 1;
  const d = date.getUTCDate();
  let rounded: number;
  switch (unit) {
    case "y":
      rounded = utcMs(y, 1, 1, 0, 0, 0, 0);
      break;
    case "M":
      rounded = utcMs(y, mo, 1, 0, 0, 0, 0);
      break;
    case "w": {
      const dayStart = utcMs(y, mo, d, 0, 0, 0, 0);
      const isoDay = mod(date.getUTCDay() + 6, 7); // Monday = 0
      rounded = dayStart - isoDay * DAY;
      break;
    }
    case "d":
      rounded = utcMs(y, mo, d, 0, 0, 0, 0);
      break;
    case "h":
    case "H":
      rounded = local - mod(local, HOUR);
      break;
    case "m":
      rounded = local - mod(local, MINUTE);
      break;
    case "s":
      rounded = local - mod(local, 1000);
      break;
  }
  return zone.toInstant(rounded);
}

function failedToParse(text: string, format: DateFormat): SecurityError {
  const reason = `failed to parse date field [${text}] with format [${format.pattern}]`;
  return new SecurityError(400, "parse_exception", reason, { cause: illegalArgument(reason) });
}

/** Longest date string accepted (anchor and date math together). */
export const MAX_DATE_TEXT_LENGTH = 512;
/** Most date-math operations (`+1d`, `/M`, ...) one date may carry. */
export const MAX_DATE_MATH_OPERATIONS = 32;

/** Options of {@link parseDateMath}. */
export interface DateMathOptions {
  /** Epoch ms that `now` stands for. */
  now: number;
  /** Parse as an upper bound: fill missing fields with their maximum and round `/unit` up. */
  roundUp?: boolean;
  /** Default {@link DEFAULT_FORMAT}. */
  format?: DateFormat | undefined;
  /** Default {@link UTC}. */
  timeZone?: TimeZone | undefined;
  /** The request's allowance of zoned date arithmetic (none: unbounded, for trusted callers). */
  budget?: DateWorkBudget | undefined;
}

/** A parsed date, or how to report why the text is not one (built only when it is reported). */
type DateOutcome = number | (() => SecurityError);

/**
 * Parses a date value the way a `date` field does: a JSON number is epoch milliseconds; a string
 * goes through the format, with date math (`now`, `now-1d/d`, `<date>||+1M/M`).
 * @throws SecurityError 400 `parse_exception` when the value is not a date, is longer than
 *   {@link MAX_DATE_TEXT_LENGTH} or has more than {@link MAX_DATE_MATH_OPERATIONS} operations;
 *   `illegal_argument_exception` when the request's budget of zoned date math is spent.
 */
export function parseDateMath(value: string | number, options: DateMathOptions): number {
  const outcome = evaluateDate(value, options);
  if (typeof outcome === "number") return outcome;
  throw outcome();
}

/**
 * {@link parseDateMath} for lenient callers (`simple_query_string` over every field), which skip
 * what is not a date: `undefined` instead of an exception, whose stack trace would cost more than
 * the parse. A spent budget still throws: it ends the request.
 */
export function parseDateMathOrUndefined(value: string | number, options: DateMathOptions): number | undefined {
  const outcome = evaluateDate(value, options);
  return typeof outcome === "number" ? outcome : undefined;
}

function evaluateDate(value: string | number, options: DateMathOptions): DateOutcome {
  const format = options.format ?? DEFAULT_FORMAT;
  const zone = options.timeZone ?? UTC;
  const roundUp = options.roundUp ?? false;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return () => failedToParse(String(value), format);
    return Math.trunc(value);
  }
  const text = value;
  if (text.length > MAX_DATE_TEXT_LENGTH) {
    return () => parseError(`failed to parse date field [${text.slice(0, 64)}...]: longer than [${MAX_DATE_TEXT_LENGTH}] characters`);
  }
  const budget = options.budget;
  const zoned = !zone.fixed;
  let instant: number;
  let mathStart: number;
  if (text.startsWith("now")) {
    instant = options.now;
    mathStart = 3;
  } else {
    const separator = text.indexOf("||");
    const anchor = separator === -1 ? text : text.slice(0, separator);
    // Reading a date costs little in a fixed offset: only zoned ones draw on the allowance.
    if (zoned) budget?.spend(true);
    const parsed = format.parse(anchor, roundUp, zone);
    if (parsed === undefined) return () => failedToParse(anchor, format);
    if (separator === -1) return parsed;
    instant = parsed;
    mathStart = separator + 2;
  }
  return applyMath(text.slice(mathStart), instant, roundUp, zone, budget);
}

function applyMath(math: string, start: number, roundUp: boolean, zone: TimeZone, budget: DateWorkBudget | undefined): DateOutcome {
  let instant = start;
  let i = 0;
  let operations = 0;
  while (i < math.length) {
    operations++;
    if (operations > MAX_DATE_MATH_OPERATIONS) {
      return () => parseError(`date math [${math.slice(0, 64)}...] has more than [${MAX_DATE_MATH_OPERATIONS}] operations`);
    }
    budget?.spend(!zone.fixed);
    const operator = math[i++];
    let round = false;
    let sign = 1;
    if (operator === "/") round = true;
    else if (operator === "+") sign = 1;
    else if (operator === "-") sign = -1;
    else return () => parseError(`operator not supported for date math [${math}]`);
    if (i >= math.length) return () => parseError(`truncated date math [${math}]`);
    let amount = 1;
    if (!round) {
      const digitsStart = i;
      while (i < math.length && isDigit(math.charCodeAt(i))) i++;
      if (i > digitsStart) amount = Number(math.slice(digitsStart, i));
      if (i >= math.length) return () => parseError(`truncated date math [${math}]`);
    } else if (isDigit(math.charCodeAt(i))) {
      return () => parseError(`rounding \`/\` can only be used on single unit types [${math}]`);
    }
    const unit = math[i++] as string;
    if (!isDateUnit(unit)) return () => parseError(`unit [${unit}] not supported for date math [${math}]`);
    if (round) {
      instant = roundDown(instant, unit, zone);
      if (roundUp) instant = addUnits(instant, unit, 1, zone) - 1;
    } else {
      instant = addUnits(instant, unit, sign * amount, zone);
    }
  }
  if (!Number.isFinite(instant)) return () => parseError(`date math [${math}] is out of range`);
  return instant;
}
