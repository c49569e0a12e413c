import type { Authentication } from "../authc/authentication.js";
import type { ApplicationPrivilegeStore } from "../store/application-privilege-store.js";
import type { RoleStore } from "../store/role-store.js";
import { forbiddenError } from "../support/security-error.js";
import type { ApplicationPrivilegeLookup } from "./application-privileges.js";
import { actionDeniedReason, type DeniedSubject } from "./denial-message.js";
import { BUILTIN_ROLES, Permission, type PermissionCheck } from "./permission.js";
import type { RoleDescriptor } from "./role-descriptor.js";

export interface AuthorizerOptions {
  staticRoles: Record<string, RoleDescriptor>;
  /** How long resolved native roles and application privileges are trusted without an event. */
  cacheTtlMs: number;
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
  private privilegeCache: Timed<Map<string, string[]>> | undefined;
  private readonly permissions = new Map<string, Timed<PermissionCheck>>();

  constructor(
    private readonly roles: RoleStore,
    private readonly privileges: ApplicationPrivilegeStore,
    private readonly options: AuthorizerOptions,
  ) {}

  /** Role descriptors for `names`, in order; unknown roles are skipped, as in Elasticsearch. */
  async resolveRoles(names: string[]): Promise<Array<{ name: string; descriptor: RoleDescriptor }>> {
    const now = Date.now();
    const missing = names.filter((n) => {
      if (BUILTIN_ROLES[n] || this.options.staticRoles[n]) return false;
      const cached = this.roleCache.get(n);
      return !cached || now - cached.at > this.options.cacheTtlMs;
    });
    if (missing.length > 0) {
      const found = await this.roles.get(missing);
      for (const name of missing) this.roleCache.set(name, { value: found.get(name) ?? null, at: now });
    }
    const out: Array<{ name: string; descriptor: RoleDescriptor }> = [];
    for (const name of names) {
      const descriptor = BUILTIN_ROLES[name] ?? this.options.staticRoles[name] ?? this.roleCache.get(name)?.value;
      if (descriptor) out.push({ name, descriptor });
    }
    return out;
  }

  /** Resolves application privilege names to actions from the in-memory definitions. */
  async privilegeLookup(): Promise<ApplicationPrivilegeLookup> {
    const now = Date.now();
    if (!this.privilegeCache || now - this.privilegeCache.at > this.options.cacheTtlMs) {
      const docs = await this.privileges.list();
      this.privilegeCache = { value: new Map(docs.map((d) => [`${d.application}/${d.name}`, d.actions])), at: now };
    }
    const map = this.privilegeCache.value;
    return (application, name) => map.get(`${application}/${name}`);
  }

  /** The effective permission of a request's subject. */
  async permissionFor(auth: Authentication): Promise<PermissionCheck> {
    const key = this.cacheKey(auth);
    const now = Date.now();
    const cached = this.permissions.get(key);
    if (cached && now - cached.at <= this.options.cacheTtlMs) return cached.value;

    const lookup = await this.privilegeLookup();
    let permission: PermissionCheck;
    if (auth.apiKey && !auth.isRunAs) {
      const limitedBy = Permission.fromDescriptors(Object.values(auth.apiKey.limitedBy), lookup);
      const assigned = Object.values(auth.apiKey.roleDescriptors);
      permission = assigned.length === 0 ? limitedBy : Permission.intersect(Permission.fromDescriptors(assigned, lookup), limitedBy);
    } else {
      const resolved = await this.resolveRoles(auth.user.roles);
      permission = Permission.fromDescriptors(resolved.map((r) => r.descriptor), lookup);
    }
    if (this.permissions.size >= MAX_CACHED_PERMISSIONS) this.permissions.clear();
    this.permissions.set(key, { value: permission, at: now });
    return permission;
  }

  /** Throws Elasticsearch's 403 unless the subject may perform cluster `action`. */
  async ensureClusterAction(auth: Authentication, action: string): Promise<PermissionCheck> {
    const permission = await this.permissionFor(auth);
    if (!permission.grantsClusterAction(action)) throw this.denied(auth, action);
    return permission;
  }

  /** Who to name in a 403 reason, in Elasticsearch's terms. */
  subjectOf(auth: Authentication): DeniedSubject {
    if (auth.isRunAs && auth.authenticatingUser) {
      return { username: auth.authenticatingUser.username, roles: auth.user.roles, runAsTarget: auth.user.username, ...(auth.apiKey ? { apiKeyId: auth.apiKey.id } : {}) };
    }
    if (auth.apiKey) return { username: auth.user.username, roles: [], apiKeyId: auth.apiKey.id };
    return { username: auth.user.username, roles: auth.user.roles };
  }

  /** Elasticsearch's 403 for a refused cluster or index action. */
  denied(auth: Authentication, action: string, indices?: string[]) {
    return forbiddenError(actionDeniedReason({ action, ...this.subjectOf(auth), ...(indices ? { indices } : {}) }));
  }

  /** Evicts caches after a change seen in the events journal. */
  onRolesChanged(names: string[]): void {
    if (names.includes("*")) this.roleCache.clear();
    for (const name of names) this.roleCache.delete(name);
    this.permissions.clear();
  }

  onPrivilegesChanged(): void {
    this.privilegeCache = undefined;
    this.permissions.clear();
  }

  onApiKeysChanged(ids: string[]): void {
    if (ids.includes("*")) {
      for (const key of this.permissions.keys()) if (key.startsWith("k:")) this.permissions.delete(key);
      return;
    }
    for (const id of ids) this.permissions.delete(`k:${id}`);
  }

  private cacheKey(auth: Authentication): string {
    if (auth.apiKey && !auth.isRunAs) return `k:${auth.apiKey.id}`;
    return `r:${[...auth.user.roles].sort().join(",")}`;
  }
}
