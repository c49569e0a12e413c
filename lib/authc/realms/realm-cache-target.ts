import type { Realm } from "../../model/realm.js";

/** What one realm cache clearing names: a realm (`*` for every realm) and optionally users. */
export interface RealmCacheTarget {
  realm: string;
  /** Only these users; absent means every user of the realm. */
  usernames?: string[];
}

/**
 * A target as one key of a journal event. JSON, not a joined string: realm and user names may
 * contain any separator.
 */
export function encodeRealmCacheTarget(target: RealmCacheTarget): string {
  return JSON.stringify(target.usernames === undefined ? [target.realm] : [target.realm, ...target.usernames]);
}

/** The target a journal key names, or `undefined` for a key this version cannot read. */
export function decodeRealmCacheTarget(key: string): RealmCacheTarget | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(key);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((part): part is string => typeof part === "string")) return undefined;
  const [realm, ...usernames] = parsed;
  if (realm === undefined) return undefined;
  return usernames.length === 0 ? { realm } : { realm, usernames };
}

/** Clears the caches a target names, on this instance. */
export function clearRealmCaches(realms: readonly Realm[], target: RealmCacheTarget): void {
  for (const realm of realms) {
    if (target.realm === "*" || target.realm === realm.name) realm.clearCache?.(target.usernames);
  }
}
