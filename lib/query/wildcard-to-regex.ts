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
 * The regular-expression dialect of the server. `"portable"` regexes work everywhere (MongoDB's
 * PCRE, FerretDB's RE2); `"pcre"` ones add atomic groups so that a wildcard with several `*` runs
 * matches in linear time on MongoDB, where a backtracking engine would take O(n^k).
 */
export type RegexDialect = "portable" | "pcre";

interface WildcardSegment {
  /** Regex source of the segment (literals escaped, `?` as one character). */
  source: string;
  /** Whether a `*` run precedes it. */
  afterStar: boolean;
}

/**
 * A Lucene wildcard pattern (`*` any sequence, `?` any one character, `\` escapes the next
 * character) as an anchored regex source. Runs of `*` collapse into one, so `a**********b` costs
 * what `a*b` does; `[\s\S]` rather than `.` so values with newlines match as in Lucene.
 *
 * In the `"pcre"` dialect every segment between two `*` runs is matched at its earliest
 * occurrence inside an atomic group (`(?>[\s\S]*?seg)`): for glob patterns the earliest
 * occurrence is always a correct choice, and the group forbids the backtracking that makes
 * `^.*a.*a.*a.*b$` exponential in the number of stars.
 * @throws SecurityError 400 when the pattern is longer than {@link MAX_PATTERN_LENGTH} or has
 *   more than {@link MAX_PATTERN_WILDCARDS} `*` runs.
 */
export function wildcardToRegex(pattern: string, queryName = "wildcard", dialect: RegexDialect = "portable"): string {
  checkLength(pattern, queryName);
  const segments: WildcardSegment[] = [{ source: "", afterStar: false }];
  let stars = 0;
  let trailingStar = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") {
      if (!trailingStar) {
        stars++;
        segments.push({ source: "", afterStar: true });
      }
      trailingStar = true;
      continue;
    }
    trailingStar = false;
    const current = segments[segments.length - 1] as WildcardSegment;
    if (c === "?") {
      current.source += "[\\s\\S]";
    } else if (c === "\\" && i + 1 < pattern.length) {
      i++;
      current.source += escapeRegex(pattern[i] as string);
    } else {
      current.source += escapeRegex(c);
    }
  }
  if (stars > MAX_PATTERN_WILDCARDS) {
    throw illegalArgument(
      `[${queryName}] pattern has too many wildcards: [${stars}] runs of [*], the maximum is [${MAX_PATTERN_WILDCARDS}]`,
    );
  }
  // A pattern ending with `*` is an unanchored tail: drop that last, empty segment and the `$`.
  if (trailingStar) segments.pop();
  let source = "^";
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (!segment.afterStar) {
      source += segment.source;
    } else if (dialect === "pcre" && !(last && !trailingStar)) {
      source += `(?>[\\s\\S]*?${segment.source})`;
    } else {
      source += `[\\s\\S]*${segment.source}`;
    }
  });
  return trailingStar ? source : source + "$";
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
  return new RegExp(wildcardToRegex(pattern, "wildcard", "portable"), caseInsensitive ? "i" : "").test(value);
}
