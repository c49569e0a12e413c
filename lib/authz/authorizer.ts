import type { AuditTrail } from "../audit/audit-trail.js";
import type { Authentication } from "../model/authentication.js";
import type { ApplicationPrivilegeStore } from "../store/application-privilege-store.js";
import type { RoleStore } from "../store/role-store.js";
import { forbiddenError, type SecurityError } from "../support/security-error.js";
import type { ApplicationPrivilegeLookup } from "./application-privileges.js";
import { checkRequestedPrivileges } from "./check-requested-privileges.js";
import { actionDeniedReason, applicationDeniedReason, type DeniedSubject } from "./denial-message.js";
import { BUILTIN_ROLES } from "./builtin-roles.js";
import { Permission } from "./permission.js";
import type { ClusterActionOptions, PermissionCheck } from "./permission-check.js";
import type { RoleDescriptor } from "../model/role-descriptor.js";
import type { HasPrivilegesRequest } from "./has-privileges.js";

export interface AuthorizerOptions {
  staticRoles: ReadonlyMap<string, RoleDescriptor>;
  /** How long resolved native roles and application privileges are trusted without an event. */
  cacheTtlMs: number;
  /** Receives an `access_denied` event for every refusal built by {@link Authorizer.denied}. */
  audit?: AuditTrail;
}

interface Timed<T> {
  value: T;
  at: number;
}

const MAX_CACHED_PERMISSIONS = 10_000;

/**
 * Turns an {@link Authentication} into a {@link PermissionCheck} and enforces cluster actions.
 * Native roles, application privilege definitions and built permissions are cached in memory and
 * evicted by the events journal, so a privilege check on the hot path never reads the database.
 */
export class Authorizer {
  private readonly roleCache = new Map<string, Timed<RoleDescriptor | null>>();
  /** Application → privilege name → actions (nested, so no name can spill into another's key). */
  private privilegeCache: Timed<Map<string, Map<string, string[]>>> | undefined;
  /**
   * Built permissions. An API key's entry remembers the key snapshot it was built from: a request
   * still holding the snapshot from before an update must not leave its permission behind for
   * the requests that carry the updated one.
   */
  private readonly permissions = new Map<string, Timed<PermissionCheck> & { apiKey?: object | undefined }>();
  /**
   * Changes on every eviction. Loaders read it before going to the database and cache their
   * result only if it did not change meanwhile, so a read racing a role or privilege change can
   * never put the old definition back for a whole `cacheTtlMs`.
   */
  private generation = 0;
  private readonly roleKeys = new WeakMap<readonly string[], { roles: readonly string[]; key: string }>();

  constructor(
    private readonly roles: RoleStore,
    private readonly privileges: ApplicationPrivilegeStore,
    private readonly options: AuthorizerOptions,
  ) {}

  /** Role descriptors for `names`, in order; unknown roles are skipped, as in Elasticsearch. */
  async resolveRoles(names: string[]): Promise<Array<{ name: string; descriptor: RoleDescriptor }>> {
    const now = Date.now();
    const missing = names.filter((n) => {
      if (BUILTIN_ROLES.has(n) || this.options.staticRoles.has(n)) return false;
      const cached = this.roleCache.get(n);
      return !cached || now - cached.at > this.options.cacheTtlMs;
    });
    let found: Map<string, RoleDescriptor> | undefined;
    if (missing.length > 0) {
      const epoch = this.generation;
      found = await this.roles.get(missing);
      if (epoch === this.generation) for (const name of missing) this.roleCache.set(name, { value: found.get(name) ?? null, at: now });
    }
    const out: Array<{ name: string; descriptor: RoleDescriptor }> = [];
    for (const name of names) {
      const loaded = found && missing.includes(name) ? (found.get(name) ?? null) : this.roleCache.get(name)?.value;
      const descriptor = BUILTIN_ROLES.get(name) ?? this.options.staticRoles.get(name) ?? loaded;
      if (descriptor) out.push({ name, descriptor });
    }
    return out;
  }

  /** Resolves application privilege names to actions from the in-memory definitions. */
  async privilegeLookup(): Promise<ApplicationPrivilegeLookup> {
    const now = Date.now();
    let map = this.privilegeCache && now - this.privilegeCache.at <= this.options.cacheTtlMs ? this.privilegeCache.value : undefined;
    if (!map) {
      const epoch = this.generation;
      const docs = await this.privileges.list();
      map = new Map();
      for (const d of docs) {
        let byName = map.get(d.application);
        if (!byName) map.set(d.application, (byName = new Map<string, string[]>()));
        byName.set(d.name, d.actions);
      }
      if (epoch === this.generation) this.privilegeCache = { value: map, at: now };
    }
    const definitions = map;
    return (application, name) => definitions.get(application)?.get(name);
  }

  /**
   * The subject's permission when it is already built and fresh, without waiting: lets guards
   * decide synchronously on the hot path. `undefined` means "ask {@link permissionFor}".
   */
  cachedPermission(auth: Authentication): PermissionCheck | undefined {
    const cached = this.permissions.get(this.cacheKey(auth));
    return cached && Date.now() - cached.at <= this.options.cacheTtlMs && cached.apiKey === keySnapshot(auth) ? cached.value : undefined;
  }

  /** The effective permission of a request's subject. */
  async permissionFor(auth: Authentication): Promise<PermissionCheck> {
    const key = this.cacheKey(auth);
    const now = Date.now();
    const cached = this.permissions.get(key);
    if (cached && now - cached.at <= this.options.cacheTtlMs && cached.apiKey === keySnapshot(auth)) return cached.value;
    const epoch = this.generation;

    const lookup = await this.privilegeLookup();
    let permission: PermissionCheck;
    const apiKey = auth.effectiveApiKey;
    if (apiKey) {
      const limitedBy = Permission.fromDescriptors(Object.values(apiKey.limitedBy), lookup);
      const assigned = Object.values(apiKey.roleDescriptors);
      permission = assigned.length === 0 ? limitedBy : Permission.intersect(Permission.fromDescriptors(assigned, lookup), limitedBy);
    } else {
      const resolved = await this.resolveRoles(auth.user.roles);
      permission = Permission.fromDescriptors(
        resolved.map((r) => r.descriptor),
        lookup,
      );
    }
    if (epoch !== this.generation) return permission;
    if (this.permissions.size >= MAX_CACHED_PERMISSIONS) this.permissions.clear();
    this.permissions.set(key, { value: permission, at: now, apiKey: keySnapshot(auth) });
    return permission;
  }

  /**
   * Throws Elasticsearch's 403 unless the subject may perform cluster `action`; `options` carry
   * what a request-scoped privilege needs to know about the request (see {@link ClusterActionOptions}).
   */
  async ensureClusterAction(auth: Authentication, action: string, options?: ClusterActionOptions): Promise<PermissionCheck> {
    const permission = await this.permissionFor(auth);
    if (!permission.grantsClusterAction(action, options)) throw this.denied(auth, action);
    return permission;
  }

  /**
   * Throws Elasticsearch's 403 (audited as `access_denied`) for the first privilege of `request`
   * the subject lacks; resolves to the permission that holds them all. Grants exactly when
   * `_has_privileges` answers `has_all_requested: true` for the same request.
   */
  async ensure(auth: Authentication, request: HasPrivilegesRequest): Promise<PermissionCheck> {
    const permission = await this.permissionFor(auth);
    let refusal: SecurityError | undefined;
    const refuse = (error: SecurityError): boolean => {
      refusal = error;
      return false;
    };
    checkRequestedPrivileges(permission, request, {
      cluster: (privilege, granted) => granted || refuse(this.denied(auth, privilege)),
      index: (name, privilege, granted) => granted || refuse(this.denied(auth, privilege, [name])),
      application: (application, resource, privilege, granted) =>
        granted || refuse(this.deniedApplication(auth, application, privilege, [resource])),
    });
    if (refusal) throw refusal;
    return permission;
  }

  /** Who to name in a 403 reason, in Elasticsearch's terms. */
  subjectOf(auth: Authentication): DeniedSubject {
    if (auth.isRunAs && auth.authenticatingUser) {
      return {
        username: auth.authenticatingUser.username,
        roles: auth.user.roles,
        runAsTarget: auth.user.username,
        ...(auth.apiKey ? { apiKeyId: auth.apiKey.id } : {}),
      };
    }
    if (auth.apiKey) return { username: auth.user.username, roles: [], apiKeyId: auth.apiKey.id };
    return { username: auth.user.username, roles: auth.user.roles };
  }

  /** Elasticsearch's 403 for a refused cluster or index action (audited as `access_denied`). */
  denied(auth: Authentication, action: string, indices?: string[]) {
    const error = forbiddenError(actionDeniedReason({ action, ...this.subjectOf(auth), ...(indices ? { indices } : {}) }));
    this.options.audit?.emit(() => ({
      type: "access_denied",
      timestamp: new Date().toISOString(),
      action,
      ...deniedSubject(auth),
      ...(indices ? { indices: [...indices] } : {}),
      reason: error.reason,
    }));
    return error;
  }

  /** Elasticsearch-style 403 for a refused application privilege (audited as `access_denied`). */
  deniedApplication(auth: Authentication, application: string, privilege: string, resources: string[]) {
    const error = forbiddenError(applicationDeniedReason({ application, privilege, resources, ...this.subjectOf(auth) }));
    this.options.audit?.emit(() => ({
      type: "access_denied",
      timestamp: new Date().toISOString(),
      action: privilege,
      ...deniedSubject(auth),
      application,
      resources: [...resources],
      reason: error.reason,
    }));
    return error;
  }

  /** Evicts caches after a change seen in the events journal. */
  onRolesChanged(names: string[]): void {
    this.generation++;
    if (names.includes("*")) this.roleCache.clear();
    for (const name of names) this.roleCache.delete(name);
    this.permissions.clear();
  }

  onPrivilegesChanged(): void {
    this.generation++;
    this.privilegeCache = undefined;
    this.permissions.clear();
  }

  onApiKeysChanged(ids: string[]): void {
    this.generation++;
    if (ids.includes("*")) {
      for (const key of this.permissions.keys()) if (key.startsWith("k:")) this.permissions.delete(key);
      return;
    }
    for (const id of ids) this.permissions.delete(`k:${id}`);
  }

  private cacheKey(auth: Authentication): string {
    const apiKey = auth.effectiveApiKey;
    if (apiKey) return `k:${apiKey.id}`;
    // Cached users share their roles array between requests: build the key once, not per
    // request. The copy kept beside the key catches an array changed in place since.
    const roles = auth.user.roles;
    const memo = this.roleKeys.get(roles);
    if (memo && memo.roles.length === roles.length && memo.roles.every((role, i) => role === roles[i])) return memo.key;
    // JSON, not a joined string: role names may contain any separator (a single role named
    // `a,b` must not share the entry of the two roles `a` and `b`), and JSON quotes each name.
    const key = `r:${JSON.stringify([...roles].sort())}`;
    this.roleKeys.set(roles, { roles: [...roles], key });
    return key;
  }
}

/** The API-key snapshot a permission is built from (object identity), `undefined` for users. */
function keySnapshot(auth: Authentication): object | undefined {
  return auth.effectiveApiKey;
}

/** The denied subject as `access_denied` events name it. */
function deniedSubject(auth: Authentication): { username: string; roles: string[]; api_key_id?: string; run_by_username?: string } {
  return {
    username: auth.user.username,
    roles: auth.effectiveApiKey ? [] : [...auth.user.roles],
    ...(auth.apiKey ? { api_key_id: auth.apiKey.id } : {}),
    ...(auth.authenticatingUser ? { run_by_username: auth.authenticatingUser.username } : {}),
  };
}
