import type { Authorizer } from "../../authz/authorizer.js";
import { CLUSTER_PRIVILEGE_NAMES } from "../../authz/cluster-privileges.js";
import { INDEX_PRIVILEGE_NAMES } from "../../authz/index-privileges.js";
import type { Authentication } from "../../model/authentication.js";

/** `GET /_security/privilege/_builtin` response. */
export interface BuiltinPrivilegesResponse {
  cluster: string[];
  index: string[];
  /** Remote-cluster privileges: none, as roles here hold no `remote_cluster` entries. */
  remote_cluster: string[];
}

function sorted(names: readonly string[]): string[] {
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * `GET /_security/privilege/_builtin`: the cluster and index privilege names roles may use here,
 * each list sorted by name as Elasticsearch sorts them. Needs `read_security` (or more).
 */
export async function getBuiltinPrivileges(authorizer: Authorizer, caller: Authentication): Promise<BuiltinPrivilegesResponse> {
  await authorizer.ensureClusterAction(caller, "cluster:admin/xpack/security/privilege/builtin/get");
  return { cluster: sorted(CLUSTER_PRIVILEGE_NAMES), index: sorted(INDEX_PRIVILEGE_NAMES), remote_cluster: [] };
}
