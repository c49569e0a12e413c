import type { ApiKeyInfo, AuthenticateAnswer } from "./api-types.js";
import type { Credentials } from "./credentials.js";
import { NO_PRIVILEGES, type Privileges, type Viewer } from "./key-ownership.js";
import { defaultListQuery, type ListQuery } from "./list-query.js";
import { NO_ACCESS, type PageAccess, type TabName } from "./page-access.js";

/** The page's whole state; every module reads and updates this one object. */
export interface AppState {
  /** In memory only, unless the user asked to stay signed in. */
  credentials: Credentials | null;
  me: AuthenticateAnswer | null;
  can: Privileges;
  /** Which tabs and actions the caller gets. */
  access: PageAccess;
  /** The tab shown, `null` while signed out. */
  tab: TabName | null;
  query: ListQuery;
  /** search_after values of the pages visited so far: cursors[n] loads page n. */
  cursors: Array<unknown[] | null>;
  page: number;
  keys: ApiKeyInfo[];
  total: number;
  /** Ids of the keys ticked on this page. */
  selected: Set<string>;
  /** Bumped by every list load and sign-out, so a late answer to an older request is dropped. */
  sequence: number;
  loading: boolean;
  /** The keys the confirmation dialog is about. */
  pendingKeys: ApiKeyInfo[] | null;
  /** Where focus goes back to when the dialog closes. */
  returnFocus: HTMLElement | null;
}

export const state: AppState = {
  credentials: null,
  me: null,
  can: NO_PRIVILEGES,
  access: NO_ACCESS,
  tab: null,
  query: defaultListQuery(),
  cursors: [null],
  page: 0,
  keys: [],
  total: 0,
  selected: new Set(),
  sequence: 0,
  loading: false,
  pendingKeys: null,
  returnFocus: null,
};

/** The signed-in user, or `null` while signed out. */
export function viewer(): Viewer | null {
  return state.me ? { me: state.me, can: state.can } : null;
}
