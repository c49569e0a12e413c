import type { AuthenticateAnswer, HasPrivilegesAnswer } from "./api-types.js";

/** The page's tabs, in the order they are shown. */
export type TabName = "keys" | "roles" | "users";

export const TAB_NAMES: readonly TabName[] = ["keys", "roles", "users"];

/** What the signed-in caller may see and change, from one `_has_privileges` answer. */
export interface PageAccess {
  /** The API-keys tab: any key privilege, or an API key (which always sees itself). */
  keys: boolean;
  /** `manage_api_key`: limits and credits of every key. */
  keyLimits: boolean;
  /** `read_security` or `manage_security`: the Roles tab. */
  roles: boolean;
  /** `read_security` or `manage_security`: the Users tab. */
  users: boolean;
  /** `manage_security`: enable, disable and reset passwords of users. */
  manageUsers: boolean;
}

export const NO_ACCESS: PageAccess = { keys: false, keyLimits: false, roles: false, users: false, manageUsers: false };

/** Every cluster privilege the page asks about, in its one `_has_privileges` call. */
export const CHECKED_CLUSTER_PRIVILEGES = ["manage_api_key", "read_security", "manage_own_api_key", "manage_security"];

export function pageAccessFrom(answer: HasPrivilegesAnswer | null, me: AuthenticateAnswer): PageAccess {
  const cluster = answer?.cluster ?? {};
  const has = (name: string): boolean => cluster[name] === true;
  const readSecurity = has("read_security") || has("manage_security");
  return {
    keys: Boolean(me.api_key) || has("manage_own_api_key") || has("manage_api_key") || readSecurity,
    keyLimits: has("manage_api_key"),
    roles: readSecurity,
    users: readSecurity,
    manageUsers: has("manage_security"),
  };
}

/** The tabs shown to a caller with `access`. */
export function visibleTabs(access: PageAccess): TabName[] {
  return TAB_NAMES.filter((tab) => access[tab]);
}
