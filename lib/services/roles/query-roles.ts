/**
 * `GET|POST /_security/_query/role`: native roles matching an Elasticsearch query, a page at a
 * time. As in Elasticsearch, built-in and static (file) roles are not searched: only the roles
 * stored in the roles collection.
 */
import type { Authorizer } from "../../authz/authorizer.js";
import type { Authentication } from "../../model/authentication.js";
import type { RoleDescriptor } from "../../model/role-descriptor.js";
import { queryRecords, ROLE_FIELD_TABLE, type RecordsQueryDialect, type SortValue } from "../../query/index.js";
import type { RoleDoc } from "../../store/store-documents.js";
import type { RoleStore } from "../../store/role-store.js";

/** The action Query roles is authorized as (granted by `read_security`, `manage_security`, `all`). */
export const QUERY_ROLE_ACTION = "cluster:admin/xpack/security/role/query";

/**
 * Every stored role. `metadata_flattened` and `metadata_values` are read: a sort on metadata takes
 * its `_sort` values there.
 */
const ROLE_QUERY: RecordsQueryDialect = {
  parser: "query_role_request_payload",
  fields: ROLE_FIELD_TABLE,
  scopeFilter: {},
  hiddenFields: ["description_tokens"],
};

/** One role of a Query roles response: its name, its descriptor, and `_sort` when the request sorted. */
export type QueriedRole = { name: string } & RoleDescriptor & { _sort?: SortValue[] };

/** The Query roles response body. */
export interface QueryRolesResponse {
  /** How many roles match. */
  total: number;
  /** How many this page holds. */
  count: number;
  roles: QueriedRole[];
}

/** Runs Query roles for `caller`: the privilege first, then the body, then the reads. */
export async function queryRolesAs(
  deps: { readonly store: RoleStore; readonly authorizer: Authorizer },
  caller: Authentication,
  body: unknown,
): Promise<QueryRolesResponse> {
  await deps.authorizer.ensureClusterAction(caller, QUERY_ROLE_ACTION);
  const result = await queryRecords(deps.store.model, body, ROLE_QUERY);
  const roles = result.hits.map(({ doc, sort }): QueriedRole => {
    const stored = doc as unknown as RoleDoc;
    const role: QueriedRole = { name: stored._id, ...stored.descriptor };
    if (sort) role._sort = sort;
    return role;
  });
  return { total: result.total, count: roles.length, roles };
}
