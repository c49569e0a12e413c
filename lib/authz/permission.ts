import { actionSetMatches, actionSetsImply, anyActionSetMatches, type ActionSet } from "./action-set.js";
import { NO_APPLICATION_PRIVILEGES, resolveApplicationPrivilege, type ApplicationPrivilegeLookup } from "./application-privileges.js";
import { resolveClusterPrivilege } from "./cluster-privileges.js";
import { resolveIndexPrivilege } from "./index-privileges.js";
import { LimitedPermission } from "./limited-permission.js";
import { manageApplicationPatterns, manageApplicationsGrant } from "./manage-application-privileges.js";
import type { ClusterActionOptions, IndexCheckOptions, PermissionCheck } from "./permission-check.js";
import { anyPatternCovers, anyPatternMatches, isPattern, matchesPattern } from "./pattern.js";
import { isRestrictedIndex, mayMatchRestrictedIndex } from "./restricted-indices.js";
import type { ApplicationPrivilegesEntry, RoleDescriptor } from "../model/role-descriptor.js";

interface IndexGroup {
  readonly names: readonly string[];
  readonly actions: readonly ActionSet[];
  readonly allowRestrictedIndices: boolean;
}

const OWN_API_KEY_ACTIONS: ActionSet = resolveClusterPrivilege("manage_own_api_key")?.actions ?? { include: [], exclude: [] };
const MEMO_LIMIT = 2_000;

/**
 * The permission granted by a set of role descriptors (their union), as Elasticsearch evaluates
 * it. Immutable; answers are memoized per instance, so build one per role set (or per API key)
 * and reuse it.
 */
export class Permission implements PermissionCheck {
  private readonly cluster: readonly ActionSet[];
  private readonly ownApiKey: boolean;
  private readonly indexGroups: readonly IndexGroup[];
  private readonly applications: readonly ApplicationPrivilegesEntry[];
  private readonly runAs: readonly string[];
  /** One pattern list per `global.application.manage` privilege (each is checked on its own). */
  private readonly manageApplications: ReadonlyArray<readonly string[]>;
  private readonly memo = new Map<string, boolean>();
  private superuser: boolean | undefined;

  private constructor(
    descriptors: readonly RoleDescriptor[],
    private readonly lookup: ApplicationPrivilegeLookup,
  ) {
    const cluster: ActionSet[] = [];
    let ownApiKey = false;
    const indexGroups: IndexGroup[] = [];
    const applications: ApplicationPrivilegesEntry[] = [];
    const runAs: string[] = [];
    const manageApplications: Array<readonly string[]> = [];
    for (const descriptor of descriptors) {
      const manage = manageApplicationPatterns(descriptor);
      if (manage !== undefined) manageApplications.push(manage);
      for (const name of descriptor.cluster) {
        const resolved = resolveClusterPrivilege(name);
        if (resolved === undefined) continue; // stored data is validated; ignore what we cannot read
        if (resolved.conditional) ownApiKey = true;
        else cluster.push(resolved.actions);
      }
      for (const group of descriptor.indices) {
        const actions = group.privileges.map(resolveIndexPrivilege).filter((a): a is ActionSet => a !== undefined);
        indexGroups.push({ names: group.names, actions, allowRestrictedIndices: group.allow_restricted_indices === true });
      }
      applications.push(...descriptor.applications);
      runAs.push(...descriptor.run_as);
    }
    this.cluster = cluster;
    this.ownApiKey = ownApiKey;
    this.indexGroups = indexGroups;
    this.applications = applications;
    this.runAs = runAs;
    this.manageApplications = manageApplications;
  }

  /**
   * The union of `descriptors`. Application privilege names are resolved through `lookup` at
   * check time (default: no stored privileges, so only action strings grant).
   */
  static fromDescriptors(
    descriptors: readonly RoleDescriptor[],
    lookup: ApplicationPrivilegeLookup = NO_APPLICATION_PRIVILEGES,
  ): Permission {
    return new Permission(descriptors, lookup);
  }

  /**
   * API-key semantics: allowed only if both `assigned` and `limitedBy` allow. (When a key has no
   * assigned descriptors, use the limited-by permission alone instead.)
   */
  static intersect(assigned: PermissionCheck, limitedBy: PermissionCheck): LimitedPermission {
    return new LimitedPermission(assigned, limitedBy);
  }

  grantsClusterAction(action: string, options: ClusterActionOptions = {}): boolean {
    if (anyActionSetMatches(this.cluster, action)) return true;
    const applications = options.applications;
    if (applications !== undefined && this.manageApplications.some((patterns) => manageApplicationsGrant(patterns, action, applications)))
      return true;
    return options.ownApiKeyRequest === true && this.ownApiKey && actionSetMatches(OWN_API_KEY_ACTIONS, action);
  }

  hasOwnApiKeyPrivilege(): boolean {
    return this.ownApiKey || actionSetsImply(this.cluster, OWN_API_KEY_ACTIONS);
  }

  checkClusterPrivilege(nameOrAction: string): boolean {
    return this.memoize(`c${nameOrAction}`, () => {
      const resolved = resolveClusterPrivilege(nameOrAction);
      if (resolved === undefined) return false;
      if (resolved.conditional) return this.hasOwnApiKeyPrivilege();
      return actionSetsImply(this.cluster, resolved.actions);
    });
  }

  checkIndex(indexNameOrPattern: string, privilegeOrAction: string, options: IndexCheckOptions = {}): boolean {
    const allowRestricted = options.allowRestrictedIndices === true;
    return this.memoize(`i${allowRestricted ? 1 : 0}${indexNameOrPattern.length}:${indexNameOrPattern}${privilegeOrAction}`, () => {
      const requested = resolveIndexPrivilege(privilegeOrAction);
      if (requested === undefined) return false;
      // Groups without allow_restricted_indices never reach restricted indices: not a concrete
      // restricted name, nor (when the request opts in) a pattern that may match one.
      const needsRestricted =
        isRestrictedIndex(indexNameOrPattern) ||
        (allowRestricted && isPattern(indexNameOrPattern) && mayMatchRestrictedIndex(indexNameOrPattern));
      const granted: ActionSet[] = [];
      for (const group of this.indexGroups) {
        if (needsRestricted && !group.allowRestrictedIndices) continue;
        if (anyPatternCovers(group.names, indexNameOrPattern)) granted.push(...group.actions);
      }
      return actionSetsImply(granted, requested);
    });
  }

  checkApplication(application: string, privilegeOrAction: string, resource: string): boolean {
    return this.memoize(`a${application.length}:${application}${privilegeOrAction.length}:${privilegeOrAction}${resource}`, () => {
      const requested = resolveApplicationPrivilege(application, privilegeOrAction, this.lookup);
      const granted: string[] = [];
      for (const entry of this.applications) {
        if (!matchesPattern(entry.application, application)) continue;
        if (!anyPatternCovers(entry.resources, resource)) continue;
        for (const privilege of entry.privileges) {
          granted.push(...(resolveApplicationPrivilege(application, privilege, this.lookup) ?? []));
        }
      }
      // As in Elasticsearch, a granted privilege whose actions match every action (`*`) grants any
      // requested privilege of the application, even a name with no stored definition (no actions);
      // otherwise a privilege with no actions is granted by nothing.
      if (granted.some(isTotalActionPattern)) return true;
      if (requested === undefined || requested.length === 0) return false;
      return requested.every((action) => anyPatternCovers(granted, action));
    });
  }

  canRunAs(username: string): boolean {
    return anyPatternMatches(this.runAs, username);
  }

  get isSuperuser(): boolean {
    this.superuser ??=
      this.checkClusterPrivilege("all") &&
      this.checkIndex("*", "all", { allowRestrictedIndices: true }) &&
      this.checkApplication("*", "*", "*") &&
      this.canRunAs("*");
    return this.superuser;
  }

  /**
   * `key` encodes the question unambiguously: index names, resources and actions come from
   * requests and may contain any character (a separator too), so every part but the last is
   * length-prefixed (`<length>:<part>`), which costs no more than joining them.
   */
  private memoize(key: string, compute: () => boolean): boolean {
    const cached = this.memo.get(key);
    if (cached !== undefined) return cached;
    const value = compute();
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(key, value);
    return value;
  }
}

/** Whether an application action pattern matches every action (`*`, `**`, ...). */
function isTotalActionPattern(pattern: string): boolean {
  return /^\*+$/.test(pattern);
}
