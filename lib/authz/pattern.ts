/**
 * Wildcard patterns as Elasticsearch uses them for index names, application resources, actions
 * and run-as user names: `*` matches any run of characters (including none), `?` matches exactly
 * one character, everything else is literal.
 *
 * Every function here runs in O(|pattern| × |value|) time and O(|value|) memory. No regular
 * expression is ever built from input, so hostile patterns cannot cause catastrophic
 * backtracking (ReDoS).
 *
 * Differences from Elasticsearch: Lucene regular expressions (`/.../`) and `\` escapes are not
 * interpreted; such characters are literal.
 */

/**
 * Whether `value` (taken literally: a `*` or `?` in it is an ordinary character) is matched by
 * `pattern`.
 *
 * @example matchesPattern("logs-*", "logs-2024") // true
 */
export function matchesPattern(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  // Classic two-pointer glob matcher: remembers only the last `*`, so it is O(n·m) at worst.
  let p = 0;
  let v = 0;
  let starP = -1;
  let starV = 0;
  while (v < value.length) {
    const pc = pattern.charCodeAt(p);
    if (p < pattern.length && pc !== STAR && (pc === QUESTION || pc === value.charCodeAt(v))) {
      p++;
      v++;
    } else if (p < pattern.length && pc === STAR) {
      starP = p++;
      starV = v;
    } else if (starP !== -1) {
      p = starP + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === STAR) p++;
  return p === pattern.length;
}

/** Whether any of `patterns` matches `value` (taken literally). */
export function anyPatternMatches(patterns: readonly string[], value: string): boolean {
  for (const pattern of patterns) if (matchesPattern(pattern, value)) return true;
  return false;
}

/**
 * Whether every string that the `requested` pattern can match is also matched by `granted`.
 *
 * A `*` in `requested` can only be absorbed by a `*` in `granted`; a `?` in `requested` by a `?`
 * or `*` in `granted`. So `patternCovers("index-a", "*")` is false while
 * `patternCovers("index-*", "index-a?")` is true. The answer is sound (never true when some
 * requested value would escape the granted pattern).
 */
export function patternCovers(granted: string, requested: string): boolean {
  if (granted === "*") return true;
  const n = granted.length;
  const m = requested.length;
  // reach[j] for the current row i: state "granted[0..i) consumed, requested[0..j) consumed".
  let row = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  row[0] = 1;
  for (let i = 0; i <= n; i++) {
    next.fill(0);
    const g = i < n ? granted.charCodeAt(i) : -1;
    for (let j = 0; j <= m; j++) {
      if (row[j] === 0) continue;
      if (i === n) continue;
      const r = j < m ? requested.charCodeAt(j) : -1;
      if (g === STAR) {
        next[j] = 1; // the star matches nothing more
        if (j < m) row[j + 1] = 1; // the star absorbs requested[j], whatever it is
      } else if (g === QUESTION) {
        if (j < m && r !== STAR) next[j + 1] = 1;
      } else if (j < m && r === g) {
        next[j + 1] = 1;
      }
    }
    if (i === n) return row[m] === 1;
    [row, next] = [next, row];
  }
  return false;
}

/** Whether at least one of `granted` covers `requested` (see {@link patternCovers}). */
export function anyPatternCovers(granted: readonly string[], requested: string): boolean {
  for (const pattern of granted) if (patternCovers(pattern, requested)) return true;
  return false;
}

/** Whether some string is matched by both patterns. */
export function patternsIntersect(a: string, b: string): boolean {
  if (a === "*" || b === "*") return true;
  const n = a.length;
  const m = b.length;
  let row = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  row[0] = 1;
  for (let i = 0; i <= n; i++) {
    next.fill(0);
    const ac = i < n ? a.charCodeAt(i) : -1;
    for (let j = 0; j <= m; j++) {
      if (row[j] === 0) continue;
      const bc = j < m ? b.charCodeAt(j) : -1;
      if (ac === STAR) {
        next[j] = 1;
        if (j < m && bc !== STAR) row[j + 1] = 1;
      }
      if (bc === STAR) {
        row[j + 1] = 1;
        if (i < n && ac !== STAR) next[j] = 1;
      }
      if (i < n && j < m && ac !== STAR && bc !== STAR && (ac === QUESTION || bc === QUESTION || ac === bc)) {
        next[j + 1] = 1;
      }
    }
    if (i === n) return row[m] === 1;
    [row, next] = [next, row];
  }
  return false;
}

/** Whether the string contains a wildcard character (`*` or `?`). */
export function isPattern(value: string): boolean {
  return value.includes("*") || value.includes("?");
}

const STAR = 42; // "*"
const QUESTION = 63; // "?"
