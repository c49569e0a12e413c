import { canonicalJson } from "../../authc/api-key/api-key-document.js";
import { parseRoleDescriptorStructure } from "../../authz/parse-role-descriptor.js";
import { validateRoleDescriptor } from "../../authz/validate-role-descriptor.js";
import type { RoleDescriptor } from "../../model/role-descriptor.js";
import type { RoleStore } from "../../store/role-store.js";
import { isPlainObject } from "../../support/is-plain-object.js";
import { illegalArgument, parseError, validationError, xContentParseError, type SecurityError } from "../../support/security-error.js";
import { setOwnKey } from "../../support/set-own-key.js";
import { tokenOf } from "../../support/token-of.js";

/** `errors` of a bulk roles response: the failed roles, each with its Elasticsearch cause. */
export interface BulkRolesErrors {
  count: number;
  details: Record<string, { type: string; reason: string }>;
}

/** `POST /_security/role` response; an outcome with no role is left out, as in Elasticsearch. */
export interface BulkPutRolesResponse {
  created?: string[];
  updated?: string[];
  noop?: string[];
  errors?: BulkRolesErrors;
}

/** `DELETE /_security/role` response; an outcome with no role is left out. */
export interface BulkDeleteRolesResponse {
  deleted?: string[];
  not_found?: string[];
  errors?: BulkRolesErrors;
}

/** What the bulk operations need from the role service. */
export interface BulkRolesContext {
  readonly store: RoleStore;
  /** Built-in and static roles: never written or deleted here. */
  isReserved(name: string): boolean;
}

/** Collects per-role failures in request order. */
class Failures {
  private readonly details: Record<string, { type: string; reason: string }> = {};
  private count = 0;

  add(name: string, error: SecurityError): void {
    // A role may be called `__proto__`: it must stay a key of the body.
    setOwnKey(this.details, name, { type: error.type, reason: error.reason });
    this.count++;
  }

  toJSON(): BulkRolesErrors | undefined {
    return this.count === 0 ? undefined : { count: this.count, details: this.details };
  }
}

/**
 * Parses the `{roles: {name: descriptor}}` body. A malformed descriptor fails the whole request
 * (as Elasticsearch's body parser does); semantic problems are left to be reported per role.
 */
function parseBulkPutBody(body: unknown): Array<{ name: string; descriptor: RoleDescriptor }> {
  if (!isPlainObject(body)) throw parseError("request body is required");
  for (const field of Object.keys(body)) {
    if (field !== "roles") throw xContentParseError(`[bulk_update_roles_request_payload] unknown field [${field}]`);
  }
  const roles = body.roles;
  if (roles === undefined) return [];
  if (!isPlainObject(roles)) {
    throw xContentParseError(
      `[bulk_update_roles_request_payload] failed to parse field [roles]: expected an object but found [${tokenOf(roles)}]`,
    );
  }
  return Object.entries(roles).map(([name, value]) => ({ name, descriptor: parseRoleDescriptorStructure(name, value) }));
}

/**
 * `POST /_security/role`: creates or replaces every valid role of the body and reports each one
 * as `created`, `updated`, `noop` (the stored descriptor is already identical, so nothing is
 * written) or under `errors` (reserved name, invalid descriptor). Returns the names written.
 */
export async function bulkPutRoles(ctx: BulkRolesContext, body: unknown): Promise<{ response: BulkPutRolesResponse; changed: string[] }> {
  const roles = parseBulkPutBody(body);
  const failures = new Failures();
  const valid: Array<{ name: string; descriptor: RoleDescriptor }> = [];
  for (const { name, descriptor } of roles) {
    if (ctx.isReserved(name)) {
      failures.add(name, illegalArgument(`role [${name}] is reserved and cannot be modified`));
      continue;
    }
    const problems = validateRoleDescriptor(name, descriptor);
    if (problems.length > 0) failures.add(name, validationError(problems));
    else valid.push({ name, descriptor });
  }
  const stored = valid.length > 0 ? await ctx.store.get(valid.map((role) => role.name)) : new Map<string, RoleDescriptor>();
  const created: string[] = [];
  const updated: string[] = [];
  const noop: string[] = [];
  for (const { name, descriptor } of valid) {
    const existing = stored.get(name);
    if (existing !== undefined && canonicalJson(existing) === canonicalJson(descriptor)) {
      noop.push(name);
      continue;
    }
    if (await ctx.store.put(name, descriptor)) created.push(name);
    else updated.push(name);
  }
  const errors = failures.toJSON();
  return {
    response: {
      ...(created.length > 0 ? { created } : {}),
      ...(updated.length > 0 ? { updated } : {}),
      ...(noop.length > 0 ? { noop } : {}),
      ...(errors ? { errors } : {}),
    },
    changed: [...created, ...updated],
  };
}

/** Parses `{names: [...]}` as Elasticsearch's body parser does. */
function parseBulkDeleteBody(body: unknown): string[] {
  if (!isPlainObject(body)) throw parseError("request body is required");
  for (const field of Object.keys(body)) {
    if (field !== "names") throw xContentParseError(`[bulk_delete_roles_request_payload] unknown field [${field}]`);
  }
  const names = body.names;
  if (names === undefined)
    throw xContentParseError("Failed to build [bulk_delete_roles_request_payload] after last required field arrived");
  if (!Array.isArray(names) || !names.every((name): name is string => typeof name === "string")) {
    throw xContentParseError(`[bulk_delete_roles_request_payload] failed to parse field [names]: expected an array of strings`);
  }
  return names;
}

/**
 * `DELETE /_security/role`: deletes every named native role, reporting each as `deleted`,
 * `not_found` or under `errors` (a reserved role). Returns the names deleted.
 */
export async function bulkDeleteRoles(
  ctx: BulkRolesContext,
  body: unknown,
): Promise<{ response: BulkDeleteRolesResponse; changed: string[] }> {
  const names = parseBulkDeleteBody(body);
  const failures = new Failures();
  const deleted: string[] = [];
  const notFound: string[] = [];
  for (const name of names) {
    if (ctx.isReserved(name)) {
      failures.add(name, illegalArgument(`role [${name}] is reserved and cannot be deleted`));
      continue;
    }
    if (await ctx.store.delete(name)) deleted.push(name);
    else notFound.push(name);
  }
  const errors = failures.toJSON();
  return {
    response: {
      ...(deleted.length > 0 ? { deleted } : {}),
      ...(notFound.length > 0 ? { not_found: notFound } : {}),
      ...(errors ? { errors } : {}),
    },
    changed: deleted,
  };
}
