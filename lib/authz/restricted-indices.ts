import { anyPatternMatches, isPattern, patternsIntersect } from "./pattern.js";

/**
 * Index names that, as in Elasticsearch, are "restricted": no index privilege reaches them unless
 * its group sets `allow_restricted_indices: true` (the security system indices and their aliases).
 */
export const RESTRICTED_INDEX_PATTERNS: readonly string[] = Object.freeze([".security", ".security-*"]);

/** Whether a concrete index name is restricted. */
export function isRestrictedIndex(name: string): boolean {
  return !isPattern(name) && anyPatternMatches(RESTRICTED_INDEX_PATTERNS, name);
}

/** Whether an index name pattern can match some restricted index. */
export function mayMatchRestrictedIndex(pattern: string): boolean {
  return RESTRICTED_INDEX_PATTERNS.some((restricted) => patternsIntersect(restricted, pattern));
}
