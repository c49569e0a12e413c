import type { ApplicationPrivilegesEntry, IndicesPrivileges, RoleDescriptor, RoleDescriptorMap } from "../model/role-descriptor.js";
import { SecurityError, parseError, validationError } from "../support/security-error.js";
import { tokenOf } from "../support/token-of.js";
import { findUnsafeKey, nestsDeeperThan } from "../support/unsafe-key.js";
import { isPlainObject as isObject } from "../support/is-plain-object.js";
import { validateRoleDescriptor } from "./validate-role-descriptor.js";

/** Options of {@link parseRoleDescriptor}. */
export interface ParseRoleDescriptorOptions {
  /**
   * Parse for an API key (`role_descriptors` of create/grant/update): `restriction` is allowed,
   * `description` is not. Default `false` (a role: `description` allowed, `restriction` not).
   */
  forApiKey?: boolean;
}

/** Deepest role `metadata` accepted (as user and API-key metadata). */
const MAX_METADATA_DEPTH = 32;

/**
 * Parses and validates an untrusted role descriptor the way Elasticsearch does, returning the
 * normalized form (`index` → `indices`, `names` always an array, defaults filled in, DLS `query`
 * as a JSON string, `transient_metadata: {enabled: true}`).
 *
 * Failures (all HTTP 400):
 * - any object key, at any depth, starting with `$` or equal to `__proto__` / `constructor` /
 *   `prototype` → `parse_exception` (these bodies are stored in MongoDB);
 * - wrong JSON types, unknown or missing fields → `parse_exception` with Elasticsearch's wording,
 *   e.g. `failed to parse indices privileges for role [r]. missing required [names] field`;
 * - unknown privileges, bad application names, reserved (`_`) metadata keys, invalid role name →
 *   `action_request_validation_exception` listing every problem, e.g.
 *   `Validation Failed: 1: unknown cluster privilege [x]. a privilege must be either ...;`.
 */
export function parseRoleDescriptor(name: string, input: unknown, options: ParseRoleDescriptorOptions = {}): RoleDescriptor {
  const descriptor = parseStructure(name, input, options);
  const problems = validateRoleDescriptor(name, descriptor);
  if (problems.length > 0) throw validationError(problems);
  return descriptor;
}

/**
 * Parses a `{roleName: descriptor}` map (API-key `role_descriptors`, stored limited-by snapshots).
 * Structural errors are thrown for the first bad descriptor; validation problems of all
 * descriptors are reported together. With `forApiKey`, Elasticsearch's restriction rules apply:
 * at most one descriptor may carry a `restriction`, and then it must be the only one.
 */
export function parseRoleDescriptorMap(input: unknown, options: ParseRoleDescriptorOptions = {}): RoleDescriptorMap {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw parseError(`failed to parse role descriptors. expected an object but found [${tokenOf(input)}] instead`);
  }
  assertNoUnsafeKey(input, "role descriptors");
  const result: RoleDescriptorMap = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(input)) {
    const descriptor = parseStructure(name, value, options);
    problems.push(...validateRoleDescriptor(name, descriptor));
    result[name] = descriptor;
  }
  if (options.forApiKey) {
    const withRestriction = Object.values(result).filter((d) => d.restriction !== undefined).length;
    const total = Object.keys(result).length;
    if (withRestriction > 1) problems.push("more than one role descriptor with restriction is not supported");
    else if (withRestriction === 1 && total > 1) {
      problems.push("combining role descriptors with and without restriction is not supported");
    }
  }
  if (problems.length > 0) throw validationError(problems);
  return result;
}

/**
 * The structural half of {@link parseRoleDescriptor}: throws its parse errors, but leaves the
 * semantic checks ({@link validateRoleDescriptor}) to the caller, for requests that report them
 * per role (bulk role put).
 */
export function parseRoleDescriptorStructure(name: string, input: unknown, options: ParseRoleDescriptorOptions = {}): RoleDescriptor {
  return parseStructure(name, input, options);
}

// ----- structure -----------------------------------------------------------------------------

type JsonObject = Record<string, unknown>;

function assertNoUnsafeKey(input: unknown, what: string): void {
  const key = findUnsafeKey(input);
  if (key !== undefined) {
    throw parseError(
      `failed to parse ${what}. field names may not start with [$] or be [__proto__], [constructor] or [prototype] (found [${key}])`,
    );
  }
}

/** `XContentUtils.readStringArray`, wrapped with a context message as Elasticsearch does. */
function readStringArray(context: string, field: string, value: unknown, allowNull: boolean): string[] | null {
  const fail = (detail: string): never => {
    throw new SecurityError(400, "parse_exception", `${context}. ${detail}`, {
      cause: parseError(detail),
    });
  };
  if (value === null) {
    if (allowNull) return null;
    return fail(`could not parse [${field}] field. expected a string array but found null value instead`);
  }
  if (!Array.isArray(value)) {
    return fail(`could not parse [${field}] field. expected a string array but found [${tokenOf(value)}] value instead`);
  }
  const result: string[] = [];
  for (const item of value) {
    if (typeof item !== "string") {
      return fail(`could not parse [${field}] field. expected a string array but one of the value in the array is [${tokenOf(item)}]`);
    }
    result.push(item);
  }
  return result;
}

function parseStructure(name: string, input: unknown, options: ParseRoleDescriptorOptions): RoleDescriptor {
  const roleContext = `failed to parse role [${name}]`;
  if (!isObject(input)) {
    throw parseError(`${roleContext}. expected an object but found [${tokenOf(input)}] instead`);
  }
  assertNoUnsafeKey(input, `role [${name}]`);
  const descriptor: RoleDescriptor = {
    cluster: [],
    indices: [],
    applications: [],
    run_as: [],
    metadata: {},
    transient_metadata: { enabled: true },
  };
  let global: Record<string, unknown> | undefined;
  let restriction: { workflows: string[] } | undefined;
  let description: string | undefined;
  for (const [field, value] of Object.entries(input)) {
    switch (field) {
      case "indices":
      case "index":
        descriptor.indices = parseIndicesPrivileges(name, field, value);
        break;
      case "run_as":
        descriptor.run_as = readStringArray(roleContext, field, value, true) ?? [];
        break;
      case "cluster":
        descriptor.cluster = readStringArray(roleContext, field, value, true) ?? [];
        break;
      case "applications":
      case "application":
        descriptor.applications = parseApplicationPrivileges(name, field, value);
        break;
      case "global":
        global = parseGlobal(name, value);
        break;
      case "metadata":
        if (!isObject(value)) {
          throw parseError(`expected field [${field}] to be of type object, but found [${tokenOf(value)}] instead`);
        }
        // Stored as a nested document: MongoDB refuses documents nested past 100 levels, so a
        // deeper value must be a 400 here, never a storage error (500) later.
        if (nestsDeeperThan(value, MAX_METADATA_DEPTH)) {
          throw parseError(`${roleContext}. [${field}] is nested too deeply (more than ${MAX_METADATA_DEPTH} levels)`);
        }
        descriptor.metadata = structuredClone(value);
        break;
      case "transient_metadata":
        // Output-only; Elasticsearch accepts an object and drops it.
        if (!isObject(value)) throw parseError(`${roleContext}. unexpected field [${field}]`);
        break;
      case "type":
        // Elasticsearch ignores it (stored role documents carry `type: role`).
        break;
      case "description":
        if (options.forApiKey) throw parseError(`${roleContext}. unexpected field [${field}]`);
        if (value !== null && typeof value !== "string") {
          throw parseError(`${roleContext}. expected field [${field}] value to be a string, but found [${tokenOf(value)}] instead`);
        }
        if (typeof value === "string") description = value;
        break;
      case "restriction":
        if (!options.forApiKey) throw parseError(`${roleContext}. unexpected field [${field}]`);
        restriction = parseRestriction(name, value);
        break;
      default:
        throw parseError(`${roleContext}. unexpected field [${field}]`);
    }
  }
  if (global !== undefined && Object.keys(global).length > 0) descriptor.global = global;
  if (restriction !== undefined) descriptor.restriction = restriction;
  if (description !== undefined) descriptor.description = description;
  return descriptor;
}

/**
 * Maps a privileges array in order, each element checked to be an object first, so the first bad
 * element decides the error as in Elasticsearch's streaming parser.
 */
function mapObjects<T>(context: string, field: string, value: unknown, parse: (item: JsonObject) => T): T[] {
  if (!Array.isArray(value)) {
    throw parseError(`${context}. expected field [${field}] value to be an array, but found [${tokenOf(value)}] instead`);
  }
  return value.map((item: unknown) => {
    if (!isObject(item)) {
      throw parseError(
        `${context}. expected field [${field}] value to be an array of objects, but found an array element of type [${tokenOf(item)}]`,
      );
    }
    return parse(item);
  });
}

/**
 * Parses the `indices` array of a role (or the `index` array of a `_has_privileges` request, with
 * `roleName` = the user), with Elasticsearch's parse errors. Does not check privilege names.
 */
export function parseIndicesPrivileges(roleName: string, field: string, value: unknown): IndicesPrivileges[] {
  return mapObjects(`failed to parse indices privileges for role [${roleName}]`, field, value, (item) => parseIndex(roleName, item));
}

function parseIndex(roleName: string, input: JsonObject): IndicesPrivileges {
  const context = `failed to parse indices privileges for role [${roleName}]`;
  let names: string[] | undefined;
  let privileges: string[] | null = null;
  let query: string | undefined;
  let allowRestricted = false;
  let grant: string[] | undefined;
  let except: string[] | undefined;
  for (const [field, value] of Object.entries(input)) {
    switch (field) {
      case "names":
        if (typeof value === "string") names = [value];
        else if (Array.isArray(value)) {
          names = readStringArray(`failed to parse role [${roleName}]`, field, value, false) ?? [];
          if (names.length === 0) throw parseError(`${context}. [${field}] cannot be an empty array`);
        } else {
          throw parseError(
            `${context}. expected field [${field}] value to be a string or an array of strings, but found [${tokenOf(value)}] instead`,
          );
        }
        break;
      case "allow_restricted_indices":
        if (typeof value !== "boolean") {
          throw parseError(`${context}. expected field [${field}] value to be a boolean, but found [${tokenOf(value)}] instead`);
        }
        allowRestricted = value;
        break;
      case "query":
        if (isObject(value)) query = JSON.stringify(value);
        else if (typeof value === "string") query = value === "" ? undefined : value;
        else if (value !== null) {
          throw parseError(
            `${context}. expected field [${field}] value to be null, a string, an array, or an object, but found [${tokenOf(value)}] instead`,
          );
        }
        break;
      case "field_security": {
        if (!isObject(value)) {
          throw parseError(`${context}. expected START_OBJECT but got ${tokenOf(value)} in "field_security".`);
        }
        const keys = Object.keys(value);
        if (keys.length === 0) throw parseError(`${context}. "field_security" must not be empty.`);
        for (const key of keys) {
          if (key === "grant" || key === "except") {
            const list = readStringArray(`failed to parse role [${roleName}]`, key, value[key], true);
            if (list === null) throw parseError(`${context}. ${key} must not be null.`);
            if (key === "grant") grant = list;
            else except = list;
          } else {
            throw parseError(`${context}. "field_security" only accepts options grant and except, but got: ${key}`);
          }
        }
        break;
      }
      case "privileges":
        privileges = readStringArray(`failed to parse role [${roleName}]`, field, value, true);
        break;
      case "transient_metadata":
        if (!isObject(value)) {
          throw parseError(
            `failed to parse transient metadata for role [${roleName}]. expected START_OBJECT but got ${tokenOf(value)} in "transient_metadata".`,
          );
        }
        break;
      case "fields":
        throw parseError(
          `["fields": [...]] format has changed for field permissions in role [${roleName}], use ["field_security": {"grant":[...],"except":[...]}] instead`,
        );
      default:
        throw parseError(`${context}. unexpected field [${field}]`);
    }
  }
  if (names === undefined) throw parseError(`${context}. missing required [names] field`);
  if (privileges === null) throw parseError(`${context}. missing required [privileges] field`);
  if (except !== undefined && grant === undefined) {
    throw parseError(`${context}. field_security requires grant if except is given`);
  }
  // Key order is Elasticsearch's output order.
  return {
    names,
    privileges,
    ...(grant !== undefined ? { field_security: except !== undefined ? { grant, except } : { grant } } : {}),
    ...(query !== undefined ? { query } : {}),
    allow_restricted_indices: allowRestricted,
  };
}

/**
 * Parses the `applications` array of a role (or of a `_has_privileges` request), with
 * Elasticsearch's parse errors. Does not validate names.
 */
export function parseApplicationPrivileges(roleName: string, field: string, value: unknown): ApplicationPrivilegesEntry[] {
  const context = `failed to parse application privileges for role [${roleName}]`;
  return mapObjects(context, field, value, (item) => {
    let application: string | undefined;
    let privileges: string[] | null = null;
    let resources: string[] | null = null;
    for (const [key, entry] of Object.entries(item)) {
      if (key === "application") {
        if (typeof entry !== "string") {
          throw new SecurityError(
            400,
            "x_content_parse_exception",
            `[application] application doesn't support values of type: ${tokenOf(entry)}`,
          );
        }
        application = entry;
      } else if (key === "privileges" || key === "resources") {
        const list = readStringArray(`failed to parse role [${roleName}]`, key, entry, true);
        if (key === "privileges") privileges = list;
        else resources = list;
      } else {
        throw new SecurityError(400, "x_content_parse_exception", `[application] unknown field [${key}]`);
      }
    }
    if (resources === null) throw parseError(`${context}. missing required [resources] field`);
    if (privileges === null) throw parseError(`${context}. missing required [privileges] field`);
    if (application === undefined) throw parseError(`${context}. missing required [application] field`);
    return { application, privileges, resources };
  });
}

/** `global` categories and the one `operation.leaf` each accepts (a `Map`: keys come from input). */
const GLOBAL_CATEGORIES: ReadonlyMap<string, readonly [operation: string, leaf: string]> = new Map([
  ["application", ["manage", "applications"]],
  ["profile", ["write", "applications"]],
  ["role", ["manage", "indices"]],
] as const);

/**
 * `global` configurable privileges: `{application: {manage: {applications: [..]}}}`,
 * `{profile: {write: {applications: [..]}}}` and `{role: {manage: {indices: [..]}}}` are accepted
 * (stored and returned; they only grant what the host application makes of them).
 */
function parseGlobal(roleName: string, value: unknown): Record<string, unknown> {
  const fail = (detail: string): never => {
    throw parseError(`failed to parse global privileges for role [${roleName}]. ${detail}`);
  };
  if (!isObject(value)) return fail(`expected an object but found [${tokenOf(value)}] instead`);
  for (const [category, body] of Object.entries(value)) {
    const shape = GLOBAL_CATEGORIES.get(category);
    if (shape === undefined) return fail(`unexpected field [${category}]`);
    if (!isObject(body)) return fail(`expected field [${category}] to be an object but found [${tokenOf(body)}] instead`);
    for (const [operation, inner] of Object.entries(body)) {
      if (operation !== shape[0]) return fail(`unexpected field [${category}.${operation}]`);
      if (!isObject(inner)) return fail(`expected field [${category}.${operation}] to be an object but found [${tokenOf(inner)}] instead`);
      for (const [leaf, list] of Object.entries(inner)) {
        if (leaf !== shape[1]) return fail(`unexpected field [${category}.${operation}.${leaf}]`);
        if (category === "role") {
          if (!Array.isArray(list)) return fail(`expected field [role.manage.indices] to be an array`);
        } else {
          readStringArray(`failed to parse role [${roleName}]`, leaf, list, false);
        }
      }
    }
  }
  return structuredClone(value);
}

function parseRestriction(roleName: string, value: unknown): { workflows: string[] } | undefined {
  const context = `failed to parse restriction for role [${roleName}]`;
  if (!isObject(value)) throw parseError(`${context}. expected an object but found [${tokenOf(value)}] instead`);
  let workflows: string[] | undefined;
  for (const [field, entry] of Object.entries(value)) {
    if (field !== "workflows") throw parseError(`${context}. unexpected field [${field}]`);
    workflows = readStringArray(context, field, entry, false) ?? [];
    if (workflows.length === 0) throw parseError(`${context}. [workflows] cannot be an empty array`);
  }
  return workflows === undefined ? undefined : { workflows };
}
