const ACTION = "cluster:admin/xpack/security/api_key/";

/** The cluster actions the API-key operations are authorized as. */
export const API_KEY_ACTIONS = Object.freeze({
  create: ACTION + "create",
  get: ACTION + "get",
  query: ACTION + "query",
  invalidate: ACTION + "invalidate",
  update: ACTION + "update",
  bulkUpdate: ACTION + "bulk_update",
  grant: ACTION + "grant",
  // Extensions (see docs/api-key-limits.md): `manage_api_key` grants them through `api_key/*`;
  // `manage_own_api_key` only for the caller's own keys, and only where the service allows it.
  limits: ACTION + "limits",
  credits: ACTION + "credits",
  disable: ACTION + "disable",
  enable: ACTION + "enable",
  clearCache: "cluster:admin/xpack/security/cache/clear",
});

/** An action only `manage_security` (and `all`) grants: the test for cross-cluster key management. */
export const CROSS_CLUSTER_ACTION = "cluster:admin/xpack/security/cross_cluster/api_key/update";
