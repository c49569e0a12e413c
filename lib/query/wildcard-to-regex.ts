/**
 * Turns Elasticsearch wildcard and prefix patterns into anchored MongoDB regular expressions.
 * Every character of the request is either a wildcard we translate or a literal we escape, so no
 * regular-expression syntax from the request reaches the server.
 */
import { illegalArgument } from "../support/security-error.js";

/** Longest wildcard or prefix pattern accepted (the guard against pathological patterns). */
export const MAX_PATTERN_LENGTH = 1000;

/** Most `*` runs one wildcard pattern may hold (each is an unbounded `[\s\S]*` for the server). */
export const MAX_PATTERN_WILDCARDS = 16;

/** Escapes every regular-expression metacharacter (valid in both PCRE and RE2). */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}-]/g, "\\$&");
}

function checkLength(pattern: string, queryName: string): void {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw illegalArgument(
      `[${queryName}] pattern is too long: [${pattern.length}] characters, the maximum is [${MAX_PATTERN_LENGTH}]`,
    );
  }
}

/**
 * A Lucene wildcard pattern (`*` any sequence, `?` any one character, `\` escapes the next
 * character) as an anchored regex source. Runs of `*` collapse into one, so `a**********b` costs
 * what `a*b` does; `[\s\S]` rather than `.` so values with newlines match as in Lucene.
 * @throws SecurityError 400 when the pattern is longer than {@link MAX_PATTERN_LENGTH} or has
 *   more than {@link MAX_PATTERN_WILDCARDS} `*` runs.
 */
export function wildcardToRegex(pattern: string, queryName = "wildcard"): string {
  checkLength(pattern, queryName);
  let source = "^";
  let stars = 0;
  let previousStar = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") {
      if (!previousStar) {
        source += "[\\s\\S]*";
        stars++;
      }
      previousStar = true;
      continue;
    }
    previousStar = false;
    if (c === "?") {
      source += "[\\s\\S]";
    } else if (c === "\\" && i + 1 < pattern.length) {
      i++;
      source += escapeRegex(pattern[i] as string);
    } else {
      source += escapeRegex(c);
    }
  }
  if (stars > MAX_PATTERN_WILDCARDS) {
    throw illegalArgument(
      `[${queryName}] pattern has too many wildcards: [${stars}] runs of [*], the maximum is [${MAX_PATTERN_WILDCARDS}]`,
    );
  }
  // A trailing `.*` before the end anchor is implied: drop it (cheaper, same matches).
  if (source.endsWith("[\\s\\S]*")) return source.slice(0, -"[\\s\\S]*".length);
  return source + "$";
}

/** A prefix as an anchored regex source: every character literal. */
export function prefixToRegex(prefix: string, queryName = "prefix"): string {
  checkLength(prefix, queryName);
  return "^" + escapeRegex(prefix);
}

/** An exact value as an anchored regex source (case-insensitive term queries). */
export function exactToRegex(value: string, queryName = "term"): string {
  checkLength(value, queryName);
  return "^" + escapeRegex(value) + "$";
}

/** Evaluates a wildcard pattern against a value in JS, with the same meaning as {@link wildcardToRegex}. */
export function wildcardMatches(pattern: string, value: string, caseInsensitive = false): boolean {
  return new RegExp(wildcardToRegex(pattern), caseInsensitive ? "i" : "").test(value);
}
