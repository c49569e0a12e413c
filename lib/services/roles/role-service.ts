import type { Authentication } from "../../model/authentication.js";
import type { EventsJournal } from "../../store/events-journal.js";
import type { RoleStore } from "../../store/role-store.js";
import { illegalArgument, validationError } from "../../support/security-error.js";
import { setOwnKey } from "../../support/set-own-key.js";
import type { Authorizer } from "../../authz/authorizer.js";
import { BUILTIN_ROLES } from "../../authz/builtin-roles.js";
import { parseRoleDescriptor } from "../../authz/parse-role-descriptor.js";
import type { RoleDescriptor } from "../../model/role-descriptor.js";
import { clearCacheResponse, type ClearCacheResponse, type ClusterNode } from "../clear-cache-response.js";
import { queryRolesAs, type QueryRolesResponse } from "./query-roles.js";
import { bulkDeleteRoles, bulkPutRoles, type BulkDeleteRolesResponse, type BulkPutRolesResponse } from "./bulk-roles.js";

const ACTION = "cluster:admin/xpack/security/role/";

/** Throws Elasticsearch's validation error for a role name it would refuse. */
export function validateRoleName(name: string): void {
  if (!/^[\x20-\x7e]{1,507}$/.test(name) || name.trim() !== name) {
    throw validationError(
      "Role names must be at least [1] and no more than [507] characters. They can contain alphanumeric characters (a-z, A-Z, 0-9), spaces, punctuation, and printable symbols in the Basic Latin (ASCII) block. Leading or trailing whitespace is not allowed.",
    );
  }
}

/** The native roles API (`/_security/role`). Built-in and static roles are read-only. */
export class RoleService {
  constructor(
    private readonly store: RoleStore,
    private readonly authorizer: Authorizer,
    private readonly journal: EventsJournal,
    private readonly staticRoles: ReadonlyMap<string, RoleDescriptor>,
    /** How this instance names itself in `_clear_cache` responses. */
    private readonly node: () => ClusterNode,
  ) {}

  async put(caller: Authentication, name: string, body: unknown): Promise<{ role: { created: boolean } }> {
    await this.authorizer.ensureClusterAction(caller, ACTION + "put");
    validateRoleName(name);
    if (this.isReserved(name)) throw illegalArgument(`role [${name}] is reserved and cannot be modified`);
    const descriptor = parseRoleDescriptor(name, body);
    const created = await this.store.put(name, descriptor);
    await this.journal.append({ kind: "role.change", keys: [name] });
    return { role: { created } };
  }

  /** `undefined` when names were asked for and none exists (404 `{}`). */
  async get(caller: Authentication, names?: string[]): Promise<Record<string, RoleDescriptor> | undefined> {
    await this.authorizer.ensureClusterAction(caller, ACTION + "get");
    const wanted = names && names.length > 0 ? names : undefined;
    const found = new Map<string, RoleDescriptor>();
    for (const [name, descriptor] of [...BUILTIN_ROLES, ...this.staticRoles]) {
      if (!found.has(name) && (!wanted || wanted.includes(name))) found.set(name, withReservedFlag(descriptor));
    }
    const stored = wanted ? await this.store.get(wanted) : await this.store.list();
    for (const [name, descriptor] of stored) if (!found.has(name)) found.set(name, descriptor);
    if (wanted && found.size === 0) return undefined;
    // A role may be called `__proto__`: it must stay a key of the body.
    const out: Record<string, RoleDescriptor> = {};
    for (const [name, descriptor] of found) setOwnKey(out, name, descriptor);
    return out;
  }

  /** `GET|POST /_security/_query/role` (see `query-roles.ts`): native roles only. */
  query(caller: Authentication, body: unknown): Promise<QueryRolesResponse> {
    return queryRolesAs({ store: this.store, authorizer: this.authorizer }, caller, body);
  }

  private isReserved(name: string): boolean {
    return BUILTIN_ROLES.has(name) || this.staticRoles.has(name);
  }

  /** `POST /_security/role`: per-role `created`/`updated`/`noop`/`errors`; valid roles are written. */
  async bulkPut(caller: Authentication, body: unknown): Promise<BulkPutRolesResponse> {
    await this.authorizer.ensureClusterAction(caller, ACTION + "bulk_put");
    const { response, changed } = await bulkPutRoles({ store: this.store, isReserved: (name) => this.isReserved(name) }, body);
    if (changed.length > 0) await this.journal.append({ kind: "role.change", keys: changed });
    return response;
  }

  /** `DELETE /_security/role`: per-role `deleted`/`not_found`/`errors`. */
  async bulkDelete(caller: Authentication, body: unknown): Promise<BulkDeleteRolesResponse> {
    await this.authorizer.ensureClusterAction(caller, ACTION + "bulk_delete");
    const { response, changed } = await bulkDeleteRoles({ store: this.store, isReserved: (name) => this.isReserved(name) }, body);
    if (changed.length > 0) await this.journal.append({ kind: "role.change", keys: changed });
    return response;
  }

  /**
   * `POST /_security/role/{names}/_clear_cache`: evicts the roles (all with none or `*`) and every
   * permission built from roles, here at once and on every other instance at its next journal poll.
   */
  async clearCache(caller: Authentication, names?: readonly string[]): Promise<ClearCacheResponse> {
    await this.authorizer.ensureClusterAction(caller, "cluster:admin/xpack/security/roles/cache/clear");
    const keys = names && names.length > 0 && !names.includes("*") && !names.includes("_all") ? [...names] : ["*"];
    await this.journal.append({ kind: "role.clear_cache", keys });
    return clearCacheResponse(this.node());
  }

  async delete(caller: Authentication, name: string): Promise<{ found: boolean }> {
    await this.authorizer.ensureClusterAction(caller, ACTION + "delete");
    if (this.isReserved(name)) throw illegalArgument(`role [${name}] is reserved and cannot be deleted`);
    const found = await this.store.delete(name);
    if (found) await this.journal.append({ kind: "role.change", keys: [name] });
    return { found };
  }
}

function withReservedFlag(descriptor: RoleDescriptor): RoleDescriptor {
  return { ...descriptor, metadata: { ...descriptor.metadata, _reserved: true } };
}
