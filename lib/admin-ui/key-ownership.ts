import type { ApiKeyInfo, AuthenticateAnswer, HasPrivilegesAnswer } from "./api-types.js";

/** What the signed-in user may do with keys other than their own. */
export interface Privileges {
  /** `manage_api_key`: see and invalidate every key. */
  manageAll: boolean;
  /** `manage_api_key` or `read_security`: see every key. */
  readAll: boolean;
}

/** The signed-in user as the page knows them. */
export interface Viewer {
  me: AuthenticateAnswer;
  can: Privileges;
}

export const NO_PRIVILEGES: Privileges = { manageAll: false, readAll: false };

export function privilegesFrom(answer: HasPrivilegesAnswer | null): Privileges {
  const cluster = answer?.cluster ?? {};
  return { manageAll: cluster.manage_api_key === true, readAll: cluster.manage_api_key === true || cluster.read_security === true };
}

/** The realm keys of this user are owned under (a run-as user's is the lookup realm). */
export function ownerRealm(me: AuthenticateAnswer): string | null {
  if (me.lookup_realm?.name) return me.lookup_realm.name;
  return me.authentication_realm ? me.authentication_realm.name : null;
}

/** The key is the caller's own in the sense of `owner: true` (an API key only owns itself). */
export function isMine(key: ApiKeyInfo, me: AuthenticateAnswer): boolean {
  if (me.api_key) return key.id === me.api_key.id;
  return key.username === me.username && key.realm === ownerRealm(me);
}

/** The signed-in user owns it (for an API key: its owner, who may own other keys too). */
export function ownedByMe(key: ApiKeyInfo, me: AuthenticateAnswer): boolean {
  if (key.username !== me.username) return false;
  return Boolean(me.api_key) || key.realm === ownerRealm(me);
}

export function canInvalidate(key: ApiKeyInfo, viewer: Viewer): boolean {
  if (key.invalidated) return false;
  return viewer.can.manageAll || isMine(key, viewer.me);
}
