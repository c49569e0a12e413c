import type { PermissionCheck } from "./permission-check.js";

/** What a validated `_has_privileges` request (`HasPrivilegesRequest`) asks for. */
export interface RequestedPrivileges {
  readonly cluster: readonly string[];
  readonly index: ReadonlyArray<{
    readonly names: readonly string[];
    readonly privileges: readonly string[];
    readonly allow_restricted_indices: boolean;
  }>;
  readonly application: ReadonlyArray<{
    readonly application: string;
    readonly privileges: readonly string[];
    readonly resources: readonly string[];
  }>;
}

/** Told each verdict of {@link checkRequestedPrivileges}; returning `false` stops the check. */
export interface PrivilegeVerdicts {
  cluster(privilege: string, granted: boolean): boolean;
  index(name: string, privilege: string, granted: boolean): boolean;
  application(application: string, resource: string, privilege: string, granted: boolean): boolean;
}

/**
 * Checks every privilege of a `_has_privileges` request against `permission`, in request order
 * (cluster, then index, then application entries). The only place a requested privilege meets a
 * permission: `_has_privileges` and `Authorizer.ensure` (the route guard) both go through here,
 * so a guard can never let through what `_has_privileges` answers false, nor the reverse.
 */
export function checkRequestedPrivileges(permission: PermissionCheck, request: RequestedPrivileges, verdicts: PrivilegeVerdicts): void {
  for (const privilege of request.cluster) {
    if (!verdicts.cluster(privilege, permission.checkClusterPrivilege(privilege))) return;
  }
  for (const entry of request.index) {
    const options = { allowRestrictedIndices: entry.allow_restricted_indices };
    for (const name of entry.names) {
      for (const privilege of entry.privileges) {
        if (!verdicts.index(name, privilege, permission.checkIndex(name, privilege, options))) return;
      }
    }
  }
  for (const entry of request.application) {
    for (const resource of entry.resources) {
      for (const privilege of entry.privileges) {
        if (
          !verdicts.application(entry.application, resource, privilege, permission.checkApplication(entry.application, privilege, resource))
        )
          return;
      }
    }
  }
}
