/**
 * The `limits` extension of the create, grant and `_limits` bodies: named rate limits and a
 * credit balance with an optional refill. Structure errors (unknown fields, wrong JSON types) are
 * `x_content_parse_exception`s as for Elasticsearch's own fields; value problems are returned so
 * that they join the request's aggregated `Validation Failed` list.
 */
import type { ApiKeyCreditRefill, ApiKeyRateLimit } from "../../model/api-key-limits.js";
import { isPlainObject, typeName, type JsonObject } from "../../support/json-input.js";
import { SecurityError, xContentParseError } from "../../support/security-error.js";
import { parseTimeValue } from "../../support/time-value.js";

/** Most named rate limits a key may have. */
export const MAX_RATE_LIMITS = 8;
const NAME_PATTERN = /^[a-z0-9_-]{1,64}$/;
/** Shortest window and refill interval: below a second, the fleet's exchange could not keep up. */
const MIN_WINDOW_MS = 1_000;
/** Longest window: a rate limit is about traffic, a quota over a longer span is what credits are for. */
const MAX_WINDOW_MS = 86_400_000;
/** Largest count accepted (a limit, a balance, an amount): exact in a double and in MongoDB's int64. */
const MAX_COUNT = 1_000_000_000_000;

export interface ParsedCredits {
  /** `undefined` when not given (create: the refill amount; `_limits`: keep the balance). */
  remaining: number | undefined;
  refill: ApiKeyCreditRefill | undefined;
}

/** A validated `limits` object; `{rateLimits: [], credits: undefined}` is "no limits". */
export interface ParsedApiKeyLimits {
  rateLimits: ApiKeyRateLimit[];
  credits: ParsedCredits | undefined;
}

function unknownField(parser: string, field: string): SecurityError {
  return xContentParseError(`[${parser}] unknown field [${field}]`);
}

function wrongType(parser: string, field: string, value: unknown): SecurityError {
  return xContentParseError(`[${parser}] ${field} doesn't support values of type: ${typeName(value)}`);
}

function objectOf(parser: string, field: string, value: unknown, allowed: readonly string[]): JsonObject {
  if (!isPlainObject(value)) throw wrongType(parser, field, value);
  for (const key of Object.keys(value)) if (!allowed.includes(key)) throw unknownField(field, key);
  return value;
}

function countProblem(where: string, value: unknown, min: number): string | undefined {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > MAX_COUNT) {
    return `[${where}] must be an integer between ${min} and ${MAX_COUNT} but was [${JSON.stringify(value) ?? String(value)}]`;
  }
  return undefined;
}

/** A time value of at least a second, in ms, or a problem. */
function durationOf(where: string, value: unknown, problems: string[], maxMs: number): number | undefined {
  if (typeof value !== "string") {
    problems.push(`[${where}] must be a time value such as [10s] but was [${JSON.stringify(value) ?? String(value)}]`);
    return undefined;
  }
  let ms: number;
  try {
    ms = parseTimeValue(value, where).ms;
  } catch (error) {
    if (error instanceof SecurityError) {
      problems.push(error.reason);
      return undefined;
    }
    throw error;
  }
  if (ms < MIN_WINDOW_MS || ms > maxMs || !Number.isInteger(ms)) {
    problems.push(`[${where}] must be between [1s] and [${maxMs / 86_400_000}d] but was [${value}]`);
    return undefined;
  }
  return ms;
}

function parseRateLimits(value: unknown, problems: string[]): ApiKeyRateLimit[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw wrongType("limits", "rate_limits", value);
  if (value.length > MAX_RATE_LIMITS)
    problems.push(`[limits.rate_limits] may hold at most ${MAX_RATE_LIMITS} limits but has ${value.length}`);
  const seen = new Set<string>();
  const out: ApiKeyRateLimit[] = [];
  value.forEach((raw: unknown, index) => {
    const where = `limits.rate_limits[${index}]`;
    const entry = objectOf("limits", "rate_limits", raw, ["name", "limit", "window", "auto_apply"]);
    const name = entry.name;
    if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
      problems.push(`[${where}.name] must be 1 to 64 characters of [a-z0-9_-] but was [${JSON.stringify(name) ?? String(name)}]`);
    } else if (seen.has(name)) {
      problems.push(`[${where}.name] duplicates the rate limit name [${name}]`);
    } else seen.add(name);
    const limitProblem = countProblem(`${where}.limit`, entry.limit, 1);
    if (limitProblem) problems.push(limitProblem);
    const windowMs = durationOf(`${where}.window`, entry.window, problems, MAX_WINDOW_MS);
    const autoApply = entry.auto_apply ?? true;
    if (typeof autoApply !== "boolean") throw wrongType("rate_limits", "auto_apply", autoApply);
    if (typeof name === "string" && typeof entry.limit === "number" && windowMs !== undefined) {
      out.push({ name, limit: entry.limit, windowMs, autoApply });
    }
  });
  return out;
}

function parseRefill(value: unknown, problems: string[]): ApiKeyCreditRefill | undefined {
  if (value === undefined || value === null) return undefined;
  const refill = objectOf("credits", "refill", value, ["interval", "amount", "refill_day"]);
  let interval: ApiKeyCreditRefill["interval"] | undefined;
  if (refill.interval === "daily" || refill.interval === "monthly") interval = refill.interval;
  else {
    // A fixed interval may be as long as wanted (a yearly plan is `365d`).
    const ms = durationOf("limits.credits.refill.interval", refill.interval, problems, 3650 * 86_400_000);
    if (ms !== undefined) interval = ms;
  }
  const amountProblem = countProblem("limits.credits.refill.amount", refill.amount, 1);
  if (amountProblem) problems.push(amountProblem);
  let refillDay: number | undefined;
  if (refill.refill_day !== undefined && refill.refill_day !== null) {
    if (interval !== "monthly") problems.push("[limits.credits.refill.refill_day] is only allowed with a [monthly] interval");
    else if (
      typeof refill.refill_day !== "number" ||
      !Number.isInteger(refill.refill_day) ||
      refill.refill_day < 1 ||
      refill.refill_day > 31
    ) {
      problems.push(
        `[limits.credits.refill.refill_day] must be an integer between 1 and 31 but was [${JSON.stringify(refill.refill_day)}]`,
      );
    } else refillDay = refill.refill_day;
  }
  if (interval === undefined || typeof refill.amount !== "number") return undefined;
  return { interval, amount: refill.amount, ...(interval === "monthly" ? { refillDay: refillDay ?? 1 } : {}) };
}

function parseCredits(value: unknown, problems: string[]): ParsedCredits | undefined {
  if (value === undefined || value === null) return undefined;
  const credits = objectOf("limits", "credits", value, ["remaining", "refill"]);
  let remaining: number | undefined;
  if (credits.remaining !== undefined && credits.remaining !== null) {
    const problem = countProblem("limits.credits.remaining", credits.remaining, 0);
    if (problem) problems.push(problem);
    else remaining = credits.remaining as number;
  }
  return { remaining, refill: parseRefill(credits.refill, problems) };
}

/**
 * Parses a `limits` value; `undefined` when absent or `null`. Value problems are appended to
 * `problems` (the caller reports them with its own).
 */
export function parseApiKeyLimits(value: unknown, problems: string[], parser = "api_key_request"): ParsedApiKeyLimits | undefined {
  if (value === undefined || value === null) return undefined;
  const limits = objectOf(parser, "limits", value, ["rate_limits", "credits"]);
  return { rateLimits: parseRateLimits(limits.rate_limits, problems), credits: parseCredits(limits.credits, problems) };
}
