import { parseError } from "./security-error.js";

const UNIT_MS: Record<string, number> = {
  nanos: 1e-6,
  micros: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION = /^(-?\d+)(nanos|micros|ms|s|m|h|d)$/;

/**
 * Parses an Elasticsearch TimeValue (`90s`, `30m`, `1d`, …) into milliseconds.
 * Weeks and months are not units, as in Elasticsearch.
 *
 * @param setting the field name used in the error message
 */
export function parseDuration(value: unknown, setting: string): number {
  if (typeof value !== "string") {
    throw parseError(`failed to parse setting [${setting}] with value [${String(value)}] as a time value: unit is missing or unrecognized`);
  }
  const trimmed = value.trim();
  if (trimmed === "-1") return -1;
  const match = DURATION.exec(trimmed);
  if (!match) {
    throw parseError(`failed to parse setting [${setting}] with value [${value}] as a time value: unit is missing or unrecognized`);
  }
  const amount = Number(match[1]);
  const unit = UNIT_MS[match[2] as string] as number;
  const ms = amount * unit;
  if (!Number.isSafeInteger(Math.floor(ms)) || Math.abs(ms) > 8.64e15) {
    throw parseError(`failed to parse setting [${setting}] with value [${value}] as a time value: value is too large`);
  }
  return ms;
}

/** Like {@link parseDuration} but for options: developer misuse is a TypeError. */
export function optionDuration(value: string | number, option: string): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0)
      throw new TypeError(
        `express-keyguard: option ${option} must be a non-negative number of milliseconds or a duration such as "5m" (got ${value})`,
      );
    return value;
  }
  try {
    return parseDuration(value, option);
  } catch {
    throw new TypeError(`express-keyguard: option ${option} must be a duration such as "90s", "5m", "1d" (got ${JSON.stringify(value)})`);
  }
}
