/**
 * `GET|POST /_security/_query/user`: native users matching an Elasticsearch query, a page at a
 * time. As in Elasticsearch only the users this store manages are searched: reserved users (the
 * bootstrap `elastic`, marked `_reserved` in its metadata) and users of other realms are not.
 */
import type { Authorizer } from "../../authz/authorizer.js";
import type { Authentication, User } from "../../model/authentication.js";
import { booleanParam, queryRecords, USER_FIELD_TABLE, type RecordsQueryDialect, type SortValue } from "../../query/index.js";
import type { UserDoc } from "../../store/store-documents.js";
import type { UserStore } from "../../store/user-store.js";
import { userFromDoc } from "../../authc/realms/native-realm.js";

/** The action Query users is authorized as (granted by `read_security`, `manage_security`, `all`). */
export const QUERY_USER_ACTION = "cluster:admin/xpack/security/user/query";

/** `_query/user` URL parameters (booleans, or their query-string spellings). */
export interface QueryUsersParams {
  /** Accepted and validated; there are no user profiles here, so no `profile_uid` is ever added. */
  readonly with_profile_uid?: unknown;
}

/** One user of a Query users response; `_sort` when the request sorted. */
export type QueriedUser = User & { _sort?: SortValue[] };

/** The Query users response body. */
export interface QueryUsersResponse {
  /** How many users match. */
  total: number;
  /** How many this page holds. */
  count: number;
  users: QueriedUser[];
}

/**
 * Native users only: the reserved ones are not what Elasticsearch holds as native users. The
 * password hash and the derived tokens are never read.
 */
const USER_QUERY: RecordsQueryDialect = {
  parser: "query_user_request_payload",
  fields: USER_FIELD_TABLE,
  scopeFilter: { "metadata._reserved": { $ne: true } },
  hiddenFields: ["password_hash", "full_name_tokens", "email_tokens"],
};

/** Runs Query users for `caller`: the privilege first, then the body, then the reads. */
export async function queryUsersAs(
  deps: { readonly store: UserStore; readonly authorizer: Authorizer },
  caller: Authentication,
  body: unknown,
  params: QueryUsersParams = {},
): Promise<QueryUsersResponse> {
  // Before the body is parsed: a caller who may not query users must not get to spend CPU on it.
  await deps.authorizer.ensureClusterAction(caller, QUERY_USER_ACTION);
  booleanParam(params.with_profile_uid);
  const result = await queryRecords(deps.store.model, body, USER_QUERY);
  const users = result.hits.map(({ doc, sort }): QueriedUser => {
    const user = userFromDoc(doc as unknown as UserDoc);
    return sort ? { ...user, _sort: sort } : user;
  });
  return { total: result.total, count: users.length, users };
}
