/**
 * Turns Elasticsearch wildcard and prefix patterns into anchored MongoDB regular expressions.
 * Every character of the request is either a wildcard we translate or a literal we escape, so no
 * regular-expression syntax from the request reaches the server.
 */
import { escapeRegex } from "../support/escape-regex.js";
import { illegalArgument } from "../support/security-error.js";

/** Longest wildcard or prefix pattern accepted (the guard against pathological patterns). */
export const MAX_PATTERN_LENGTH = 1000;

/** Most `*` runs one wildcard pattern may hold (each is an unbounded `[\s\S]*` for the server). */
export const MAX_PATTERN_WILDCARDS = 16;

function checkLength(pattern: string, queryName: string): void {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw illegalArgument(`[${queryName}] pattern is too long: [${pattern.length}] characters, the maximum is [${MAX_PATTERN_LENGTH}]`);
  }
}

/**
 * The regular-expression dialect of the server. `"portable"` regexes work everywhere (MongoDB's
 * PCRE, FerretDB's RE2); `"pcre"` ones add atomic groups so that a wildcard with several `*` runs
 * matches in linear time on MongoDB, where a backtracking engine would take O(n^k).
 */
export type RegexDialect = "portable" | "pcre";

interface WildcardSegment {
  /** Regex source of the segment (literals escaped, `?` runs as `[\s\S]{n}`). */
  source: string;
  /** Whether a `*` run precedes it. */
  afterStar: boolean;
}

/** One piece of a parsed wildcard pattern. */
type WildcardPart = { kind: "literal"; text: string } | { kind: "any"; count: number; star: boolean };

/**
 * Splits a Lucene wildcard pattern (`*` any sequence, `?` any one character, `\` escapes the next
 * character) into literal text and wildcard runs. A run mixing `*` and `?` is "at least `count`
 * characters" (`*?` and `?*` mean the same), so `?*?*?*` is one run, not three stars.
 */
function parseWildcard(pattern: string): WildcardPart[] {
  const parts: WildcardPart[] = [];
  for (let i = 0; i < pattern.length; i++) {
    let c = pattern[i] as string;
    const last = parts[parts.length - 1];
    if (c === "*" || c === "?") {
      if (last?.kind === "any") {
        if (c === "*") last.star = true;
        else last.count++;
      } else {
        parts.push({ kind: "any", count: c === "?" ? 1 : 0, star: c === "*" });
      }
      continue;
    }
    if (c === "\\" && i + 1 < pattern.length) c = pattern[++i] as string;
    if (last?.kind === "literal") last.text += c;
    else parts.push({ kind: "literal", text: c });
  }
  return parts;
}

function anyChars(count: number): string {
  if (count === 0) return "";
  return count === 1 ? "[\\s\\S]" : `[\\s\\S]{${count}}`;
}

/**
 * A Lucene wildcard pattern as an anchored regex source; `[\s\S]` rather than `.` so values with
 * newlines match as in Lucene. Each wildcard run becomes its fixed part (`[\s\S]{n}`) followed by
 * at most one unbounded part, so every unbounded part is followed by literal text or nothing.
 *
 * In the `"pcre"` dialect every literal after an unbounded part is matched at its earliest
 * occurrence inside an atomic group (`(?>[\s\S]*?lit)`): for glob patterns the earliest
 * occurrence is always a correct choice, and the group forbids the backtracking that makes
 * `^.*a.*a.*a.*b$` exponential in the number of stars.
 * @throws SecurityError 400 when the pattern is longer than {@link MAX_PATTERN_LENGTH} or has
 *   more than {@link MAX_PATTERN_WILDCARDS} runs holding a `*`.
 */
export function wildcardToRegex(pattern: string, queryName = "wildcard", dialect: RegexDialect = "portable"): string {
  checkLength(pattern, queryName);
  const parts = parseWildcard(pattern);
  const stars = parts.filter((part) => part.kind === "any" && part.star).length;
  if (stars > MAX_PATTERN_WILDCARDS) {
    throw illegalArgument(
      `[${queryName}] pattern has too many wildcards: [${stars}] runs of [*], the maximum is [${MAX_PATTERN_WILDCARDS}]`,
    );
  }
  // Segments between unbounded parts; a run's fixed part closes the segment before its star.
  const segments: WildcardSegment[] = [{ source: "", afterStar: false }];
  let trailingStar = false;
  for (const part of parts) {
    const current = segments[segments.length - 1] as WildcardSegment;
    if (part.kind === "literal") {
      current.source += escapeRegex(part.text);
      trailingStar = false;
      continue;
    }
    current.source += anyChars(part.count);
    trailingStar = part.star;
    if (part.star) segments.push({ source: "", afterStar: true });
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

/**
 * Evaluates a wildcard pattern against a value in JS, with the same meaning as
 * {@link wildcardToRegex}. No regular expression: a two-pointer match that retries only from the
 * latest `*`, so its cost is at most the product of the two lengths, never exponential.
 */
export function wildcardMatches(pattern: string, value: string, caseInsensitive = false): boolean {
  checkLength(pattern, "wildcard");
  const fold = (text: string): string => (caseInsensitive ? text.toLowerCase() : text);
  // Literal characters and wildcards, escapes resolved: `null` is `?`, `undefined` is `*`.
  const tokens: Array<string | null | undefined> = [];
  for (const part of parseWildcard(pattern)) {
    if (part.kind === "literal") for (const c of fold(part.text)) tokens.push(c);
    else {
      for (let i = 0; i < part.count; i++) tokens.push(null);
      if (part.star) tokens.push(undefined);
    }
  }
  const chars = [...fold(value)];
  let p = 0;
  let v = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (v < chars.length) {
    const token = tokens[p];
    if (p < tokens.length && token !== undefined && (token === null || token === chars[v])) {
      p++;
      v++;
    } else if (p < tokens.length && token === undefined) {
      starAt = p++;
      resumeAt = v;
    } else if (starAt >= 0) {
      p = starAt + 1;
      v = ++resumeAt;
    } else {
      return false;
    }
  }
  while (p < tokens.length && tokens[p] === undefined) p++;
  return p === tokens.length;
}
