import { parseError, illegalArgument, validationError } from "../support/security-error.js";
import { applicationNameError } from "./application-privileges.js";
import { checkRequestedPrivileges } from "./check-requested-privileges.js";
import { resolveClusterPrivilege, unknownClusterPrivilegeMessage } from "./cluster-privileges.js";
import { resolveIndexPrivilege, unknownIndexPrivilegeMessage } from "./index-privileges.js";
import type { PermissionCheck } from "./permission-check.js";
import { parseApplicationPrivileges, parseIndicesPrivileges } from "./parse-role-descriptor.js";
import { tokenOf } from "../support/token-of.js";
import { getOwnKey, setOwnKey } from "../support/set-own-key.js";
import { findUnsafeKey } from "../support/unsafe-key.js";

/** A validated `_has_privileges` request body. */
export interface HasPrivilegesRequest {
  cluster: string[];
  index: Array<{ names: string[]; privileges: string[]; allow_restricted_indices: boolean }>;
  application: Array<{ application: string; privileges: string[]; resources: string[] }>;
}

/** The `_has_privileges` response body, exactly Elasticsearch's shape. */
export interface HasPrivilegesResponse {
  username: string;
  has_all_requested: boolean;
  cluster: Record<string, boolean>;
  index: Record<string, Record<string, boolean>>;
  application: Record<string, Record<string, Record<string, boolean>>>;
}

/**
 * Validates an untrusted `_has_privileges` body:
 * `{cluster?: string[], index?: [{names: string|string[], privileges: string[], allow_restricted_indices?}],
 * application?: [{application, privileges, resources}]}` (`applications` is accepted as an alias).
 * `username` only appears in error messages, as in Elasticsearch.
 *
 * Failures (400): `parse_exception` for wrong types, unknown fields, no privilege field at all,
 * `field_security`/`query` in an index entry, or `$`/`__proto__`-like keys;
 * `action_request_validation_exception` for "must specify at least one privilege" and invalid
 * application names; `illegal_argument_exception` for unknown cluster or index privileges.
 */
export function parseHasPrivilegesRequest(body: unknown, username = ""): HasPrivilegesRequest {
  const context = `failed to parse privileges check [${username}]`;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw parseError(`${context}. expected an object but found [${tokenOf(body)}] instead`);
  }
  const unsafe = findUnsafeKey(body);
  if (unsafe !== undefined) {
    throw parseError(`${context}. field names may not start with [$] or be [__proto__], [constructor] or [prototype] (found [${unsafe}])`);
  }
  let cluster: string[] | undefined;
  let index: HasPrivilegesRequest["index"] | undefined;
  let application: HasPrivilegesRequest["application"] | undefined;
  for (const [field, value] of Object.entries(body)) {
    if (field === "cluster") {
      if (value === null) continue;
      if (!Array.isArray(value)) {
        throw parseError(
          `${context}. could not parse [cluster] field. expected a string array but found [${tokenOf(value)}] value instead`,
        );
      }
      const bad: unknown = (value as unknown[]).find((v) => typeof v !== "string");
      if (bad !== undefined) {
        throw parseError(
          `${context}. could not parse [cluster] field. expected a string array but one of the value in the array is [${tokenOf(bad)}]`,
        );
      }
      cluster = value as string[];
    } else if (field === "index") {
      const parsed = parseIndicesPrivileges(username, field, value);
      if (parsed.some((entry) => entry.field_security !== undefined)) {
        throw parseError("Field [field_security] is not supported in a has_privileges request");
      }
      if (parsed.some((entry) => entry.query !== undefined)) {
        throw parseError("Field [query] is not supported in a has_privileges request");
      }
      index = parsed.map((entry) => ({
        names: entry.names,
        privileges: entry.privileges,
        allow_restricted_indices: entry.allow_restricted_indices,
      }));
    } else if (field === "application" || field === "applications") {
      application = parseApplicationPrivileges(username, field, value);
    } else {
      throw parseError(`${context}. unexpected field [${field}]`);
    }
  }
  if (cluster === undefined && index === undefined && application === undefined) {
    throw parseError(`${context}. All privilege fields [cluster,index,applications] are missing`);
  }
  const request: HasPrivilegesRequest = { cluster: cluster ?? [], index: index ?? [], application: application ?? [] };

  const problems: string[] = [];
  if (request.cluster.length === 0 && request.index.length === 0 && request.application.length === 0) {
    problems.push("must specify at least one privilege");
  }
  for (const entry of request.application) {
    const problem = applicationNameError(entry.application);
    if (problem !== undefined) problems.push(problem);
  }
  if (problems.length > 0) throw validationError(problems);

  for (const privilege of request.cluster) {
    if (resolveClusterPrivilege(privilege) === undefined) throw illegalArgument(unknownClusterPrivilegeMessage(privilege));
  }
  for (const entry of request.index) {
    for (const privilege of entry.privileges) {
      if (resolveIndexPrivilege(privilege) === undefined) throw illegalArgument(unknownIndexPrivilegeMessage(privilege));
    }
  }
  return request;
}

/**
 * Answers a `_has_privileges` request against a permission (for an API key pass the intersected
 * permission; `username` is then the key's owner). Repeated index names / resources are merged;
 * a privilege asked twice is true only if true every time.
 */
export function evaluateHasPrivileges(username: string, permission: PermissionCheck, request: HasPrivilegesRequest): HasPrivilegesResponse {
  let all = true;
  const record = (target: Record<string, boolean>, privilege: string, allowed: boolean): boolean => {
    all &&= allowed;
    const previous = getOwnKey(target, privilege);
    setOwnKey(target, privilege, allowed && previous !== false);
    return true;
  };
  const cluster: Record<string, boolean> = {};
  const index: Record<string, Record<string, boolean>> = {};
  const application: Record<string, Record<string, Record<string, boolean>>> = {};
  // Every named index, application and resource has its entry, even one asked for no privilege.
  for (const entry of request.index) for (const name of entry.names) child(index, name);
  for (const entry of request.application) {
    const byResource = child(application, entry.application);
    for (const resource of entry.resources) child(byResource, resource);
  }
  checkRequestedPrivileges(permission, request, {
    cluster: (privilege, granted) => record(cluster, privilege, granted),
    index: (name, privilege, granted) => record(child(index, name), privilege, granted),
    application: (app, resource, privilege, granted) => record(child(child(application, app), resource), privilege, granted),
  });
  return { username, has_all_requested: all, cluster, index, application };
}

/** The own entry `key` of `parent` (names come from input, `__proto__` included), created when absent. */
function child<T>(parent: Record<string, Record<string, T>>, key: string): Record<string, T> {
  const existing = getOwnKey(parent, key);
  if (existing !== undefined) return existing;
  const created: Record<string, T> = {};
  setOwnKey(parent, key, created);
  return created;
}
