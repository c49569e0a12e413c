import type { Authorizer } from "../../authz/authorizer.js";
import type { PermissionCheck } from "../../authz/permission-check.js";
import type { Authentication } from "../../model/authentication.js";

/**
 * Allows `action` when an unconditional privilege grants it (`full`), or when `own` (the request
 * is self-scoped) and `manage_own_api_key` does. Otherwise Elasticsearch's 403.
 */
export async function authorizeApiKeyAction(
  authorizer: Authorizer,
  caller: Authentication,
  action: string,
  own: boolean,
): Promise<{ permission: PermissionCheck; full: boolean }> {
  const permission = await authorizer.permissionFor(caller);
  if (permission.grantsClusterAction(action)) return { permission, full: true };
  if (own && permission.grantsClusterAction(action, { ownApiKeyRequest: true })) return { permission, full: false };
  throw authorizer.denied(caller, action);
}
