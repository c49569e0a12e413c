import { illegalArgument } from "./security-error.js";

/** Nanoseconds per unit, as `TimeUnit`. */
const UNIT_NANOS: ReadonlyArray<readonly [suffix: string, nanos: bigint]> = [
  ["nanos", 1n],
  ["micros", 1_000n],
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
  ["d", 86_400_000_000_000n],
];
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
/** What `Double.parseDouble` accepts (decimal forms): such text is a "fractional" time value. */
const JAVA_DOUBLE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
/** The latest instant a JavaScript `Date` holds; durations beyond it cannot be an expiry. */
const MAX_MS = 8.64e15;

/** A parsed TimeValue: its length in milliseconds and in whole seconds (truncated toward zero). */
export interface TimeValue {
  readonly ms: number;
  readonly seconds: number;
}

/** Java's `String.trim()`: strips characters up to U+0020 only (not Unicode spaces such as U+00A0). */
export function javaTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 0x20) start++;
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end--;
  return value.slice(start, end);
}

function timeValue(amount: bigint, unitNanos: bigint, original: string, setting: string): TimeValue {
  const nanos = amount * unitNanos;
  const ms = Number(nanos) / 1e6;
  if (Math.abs(ms) > MAX_MS) {
    throw illegalArgument(`failed to parse setting [${setting}] with value [${original}] as a time value: value is too large`);
  }
  // BigInt division truncates toward zero, like TimeUnit.toSeconds.
  return { ms, seconds: Number(nanos / 1_000_000_000n) };
}

/**
 * Elasticsearch's `TimeValue.parseTimeValue` for request values, with its messages: an integer and
 * a unit (`nanos`, `micros`, `ms`, `s`, `m`, `h`, `d`; case-insensitive except `m`, whose capital
 * means months), spaces allowed around both; `0` (any number of zeros) and `-1` need no unit; `-1`
 * is the only negative amount accepted (with any unit). Fractions are refused.
 * @throws SecurityError 400 `illegal_argument_exception`.
 */
export function parseTimeValue(value: string, setting: string): TimeValue {
  const normalized = javaTrim(value.toLowerCase());
  const unit = UNIT_NANOS.find(([suffix]) => (suffix === "m" ? value.endsWith("m") : normalized.endsWith(suffix)));
  if (!unit) {
    if (/^-0*1$/.test(normalized)) return { ms: -1, seconds: 0 };
    if (/^0+$/.test(normalized)) return { ms: 0, seconds: 0 };
    throw illegalArgument(`failed to parse setting [${setting}] with value [${value}] as a time value: unit is missing or unrecognized`);
  }
  const [suffix, nanos] = unit;
  const text = javaTrim(normalized.slice(0, normalized.length - suffix.length));
  const amount = /^[+-]?\d+$/.test(text) ? BigInt(text) : undefined;
  if (amount === undefined || amount < LONG_MIN || amount > LONG_MAX) {
    // Long.parseLong failed; Elasticsearch then tells fractions (and longs too large) apart from junk.
    if (JAVA_DOUBLE.test(text)) throw illegalArgument(`failed to parse [${value}], fractional time values are not supported`);
    throw illegalArgument(`failed to parse [${value}]`);
  }
  if (amount < -1n) {
    throw illegalArgument(
      `failed to parse setting [${setting}] with value [${value}] as a time value: negative durations are not supported`,
    );
  }
  return timeValue(amount, nanos, value, setting);
}
