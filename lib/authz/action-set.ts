import { anyPatternCovers, anyPatternMatches, patternsIntersect } from "./pattern.js";

/**
 * A set of action names, described as "matches one of `include` and none of `exclude`" (both are
 * wildcard patterns, see `pattern.ts`). This is how built-in privileges are defined, e.g. the
 * cluster privilege `manage` is `cluster:*` minus `cluster:admin/xpack/security/*`.
 */
export interface ActionSet {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

/** The empty set (privilege `none`). */
export const EMPTY_ACTION_SET: ActionSet = Object.freeze({ include: [], exclude: [] });

/** Whether the concrete `action` is a member of `set`. */
export function actionSetMatches(set: ActionSet, action: string): boolean {
  return anyPatternMatches(set.include, action) && !anyPatternMatches(set.exclude, action);
}

/** Whether the concrete `action` is a member of at least one of `sets`. */
export function anyActionSetMatches(sets: readonly ActionSet[], action: string): boolean {
  for (const set of sets) if (actionSetMatches(set, action)) return true;
  return false;
}

/**
 * Whether `requested` is a subset of the union of `granted`. Sound, and exact for the shapes used
 * by Elasticsearch's built-in privileges; it may answer `false` for exotic unions where no single
 * granted pattern covers a requested one.
 */
export function actionSetsImply(granted: readonly ActionSet[], requested: ActionSet): boolean {
  for (const pattern of requested.include) {
    if (!patternCoveredBySets(pattern, requested.exclude, granted, 0)) return false;
  }
  return true;
}

function patternCoveredBySets(pattern: string, alsoExcluded: readonly string[], granted: readonly ActionSet[], depth: number): boolean {
  if (anyPatternCovers(alsoExcluded, pattern)) return true;
  for (const set of granted) {
    if (!anyPatternCovers(set.include, pattern)) continue;
    // Actions this set carves out of `pattern` must be excluded by the request too, or be
    // covered by another granted set (e.g. `manage` + `manage_security` for security actions).
    const others = depth < 4 ? granted.filter((s) => s !== set) : [];
    const holes = set.exclude.filter((hole) => patternsIntersect(hole, pattern));
    if (holes.every((hole) => patternCoveredBySets(hole, alsoExcluded, others, depth + 1))) return true;
  }
  return false;
}
