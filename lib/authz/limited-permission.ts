import type { ClusterActionOptions, IndexCheckOptions, PermissionCheck } from "./permission-check.js";

/**
 * An API key's effective permission: its assigned role descriptors intersected with the owner's
 * limited-by snapshot. Everything is allowed only if both sides allow it.
 */
export class LimitedPermission implements PermissionCheck {
  constructor(
    readonly assigned: PermissionCheck,
    readonly limitedBy: PermissionCheck,
  ) {}

  grantsClusterAction(action: string, options?: ClusterActionOptions): boolean {
    return this.assigned.grantsClusterAction(action, options) && this.limitedBy.grantsClusterAction(action, options);
  }

  hasOwnApiKeyPrivilege(): boolean {
    return this.assigned.hasOwnApiKeyPrivilege() && this.limitedBy.hasOwnApiKeyPrivilege();
  }

  checkClusterPrivilege(nameOrAction: string): boolean {
    return this.assigned.checkClusterPrivilege(nameOrAction) && this.limitedBy.checkClusterPrivilege(nameOrAction);
  }

  checkIndex(indexNameOrPattern: string, privilegeOrAction: string, options?: IndexCheckOptions): boolean {
    return (
      this.assigned.checkIndex(indexNameOrPattern, privilegeOrAction, options) &&
      this.limitedBy.checkIndex(indexNameOrPattern, privilegeOrAction, options)
    );
  }

  checkApplication(application: string, privilegeOrAction: string, resource: string): boolean {
    return (
      this.assigned.checkApplication(application, privilegeOrAction, resource) &&
      this.limitedBy.checkApplication(application, privilegeOrAction, resource)
    );
  }

  canRunAs(username: string): boolean {
    return this.assigned.canRunAs(username) && this.limitedBy.canRunAs(username);
  }

  get isSuperuser(): boolean {
    return this.assigned.isSuperuser && this.limitedBy.isSuperuser;
  }
}
