import { parseRoleDescriptorMap } from "../../authz/parse-role-descriptor.js";
import { roleNameError } from "../../authz/validate-role-descriptor.js";
import type { RoleDescriptorMap } from "../../model/role-descriptor.js";
import { isPlainObject, typeName, type JsonObject } from "../../support/json-input.js";
import { isSecurityError } from "../../support/security-error.js";
import { validateUsername } from "../users/native-user-service.js";
import { parseCreateRequest } from "./api-key-requests.js";
import { importedHashProblem } from "./imported-hash-problem.js";

/** A row of an API-key import, validated and normalized (see README "Importing existing keys"). */
export interface ImportRow {
  /** The key id as given; `undefined`: a random id is assigned (or an existing key matched). */
  id: string | undefined;
  name: string;
  /** Exactly one of `secret` (plaintext, hashed at import) and `hash` (stored as is). */
  secret: string | undefined;
  hash: string | undefined;
  owner: { username: string; realm: string; realmType: string };
  roleDescriptors: RoleDescriptorMap;
  /** The owner's descriptors, or role names still to resolve. */
  limitedBy: { descriptors: RoleDescriptorMap } | { roleNames: string[] };
  metadata: JsonObject;
  /** Epoch ms; `undefined`: the import time. */
  creation: number | undefined;
  /** Absolute epoch ms, or a duration counted from the creation time. */
  expiration: { at: number } | { afterMs: number } | undefined;
}

/** What row validation needs to know about the deployment. */
export interface ImportRowContext {
  /** The realm an owner belongs to when the row names none (the native realm). */
  defaultRealm: { name: string; type: string };
  /** Type of a configured realm, `undefined` when no realm of that name is configured. */
  realmTypeOf(name: string): string | undefined;
  /**
   * Whether authentication would refuse this secret by its shape alone (it looks like one of
   * ours, with a bad checksum): such a row could never authenticate, so it is a bad row.
   */
  refusesSecret?(secret: string): boolean;
}

/** A row problem; the reason never contains a secret or a hash. */
export class ImportRowError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "ImportRowError";
  }
}

const ROW_FIELDS = ["id", "name", "secret", "hash", "owner", "role_descriptors", "limited_by", "metadata", "expiration", "creation"];
const OWNER_FIELDS = ["username", "realm", "realm_type"];
/**
 * Ids travel in `base64(id:secret)` (so no `:`), in URL paths and comma-separated id lists (so no
 * `/`, `,`, `*` or spaces): our own ids are 20 base64url characters; imported ones may use that
 * alphabet plus `.` and `~` (RFC 3986 unreserved), up to 512 characters as Elasticsearch's `_id`.
 */
const ID_PATTERN = /^[A-Za-z0-9_.~-]{1,512}$/;
const MAX_SECRET_LENGTH = 1024;
/** The latest instant a JavaScript `Date` holds. */
const MAX_EPOCH_MS = 8.64e15;

function fail(reason: string): never {
  throw new ImportRowError(reason);
}

function optionalString(row: JsonObject, field: string): string | undefined {
  const value = row[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") fail(`[${field}] must be a string, not ${typeName(value)}`);
  return value;
}

function epochMs(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_EPOCH_MS) {
    fail(`[${field}] must be a time in milliseconds since the epoch (a non-negative integer)`);
  }
  return value;
}

/** Why `id` cannot be an imported key id, or `undefined`. */
export function importIdProblem(id: string): string | undefined {
  if (!ID_PATTERN.test(id)) return "[id] must be 1 to 512 characters from A-Z a-z 0-9 _ - . ~";
  if (/^\.+$/.test(id)) return "[id] may not consist of dots only";
  return undefined;
}

function parseOwner(value: unknown, context: ImportRowContext): ImportRow["owner"] {
  if (value === undefined || value === null) fail("[owner] is required: {username, realm?, realm_type?}");
  if (!isPlainObject(value)) fail(`[owner] must be an object, not ${typeName(value)}`);
  for (const key of Object.keys(value))
    if (!OWNER_FIELDS.includes(key)) fail(`unknown field [owner.${key}] (expected ${OWNER_FIELDS.join(", ")})`);
  const username = optionalString(value, "username");
  if (username === undefined) fail("[owner.username] is required");
  try {
    validateUsername(username);
  } catch {
    fail("[owner.username] must be 1 to 507 printable ASCII characters without leading or trailing whitespace");
  }
  const realm = optionalString(value, "realm") ?? context.defaultRealm.name;
  if (realm.trim() === "" || realm.length > 1024) fail("[owner.realm] must be a non-blank name");
  const givenType = optionalString(value, "realm_type");
  const configuredType = realm === context.defaultRealm.name ? context.defaultRealm.type : context.realmTypeOf(realm);
  if (givenType !== undefined && (givenType.trim() === "" || givenType.length > 1024)) fail("[owner.realm_type] must be a non-blank name");
  if (configuredType !== undefined && givenType !== undefined && givenType !== configuredType) {
    fail(`[owner.realm_type] is [${givenType}] but realm [${realm}] is configured with type [${configuredType}]`);
  }
  const realmType = givenType ?? configuredType;
  if (realmType === undefined) fail(`[owner.realm_type] is required: realm [${realm}] is not configured here`);
  return { username, realm, realmType };
}

function stripDescriptions(map: RoleDescriptorMap): RoleDescriptorMap {
  const out: RoleDescriptorMap = {};
  for (const [name, descriptor] of Object.entries(map)) {
    const { description: _description, ...rest } = descriptor;
    out[name] = rest;
  }
  return out;
}

/**
 * `limited_by`: the owner's role descriptors `{role: descriptor}` (validated as roles are), that map
 * wrapped in a one-element array (the shape Get returns with `with_limited_by`), or role names
 * resolved at import time.
 */
function parseLimitedBy(value: unknown): ImportRow["limitedBy"] {
  if (value === undefined || value === null) {
    fail("[limited_by] is required: the owner's role descriptors {role: descriptor}, or a list of role names to resolve");
  }
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string")) {
    const names = [...new Set(value)];
    for (const name of names)
      if (roleNameError(name) !== undefined) fail(`[limited_by] has an invalid role name: ${roleNameError(name) ?? ""}`);
    return { roleNames: names };
  }
  const map = Array.isArray(value) && value.length === 1 && isPlainObject(value[0]) ? value[0] : value;
  if (Array.isArray(map) && map.length === 0) return { roleNames: [] };
  try {
    return { descriptors: stripDescriptions(parseRoleDescriptorMap(map)) };
  } catch (error) {
    if (isSecurityError(error)) fail(`[limited_by] ${error.reason}`);
    throw error;
  }
}

/**
 * Validates one import row. `name`, `role_descriptors`, `metadata` and a time-value `expiration`
 * go through the create request's parser (the same rules and messages as `POST
 * /_security/api_key`); the rest is checked here. Throws {@link ImportRowError} with the reason.
 */
export function parseImportRow(raw: unknown, context: ImportRowContext): ImportRow {
  if (!isPlainObject(raw)) fail(`a row must be a JSON object, not ${typeName(raw)}`);
  for (const key of Object.keys(raw)) if (!ROW_FIELDS.includes(key)) fail(`unknown field [${key}] (expected ${ROW_FIELDS.join(", ")})`);

  const id = optionalString(raw, "id");
  if (id !== undefined) {
    const problem = importIdProblem(id);
    if (problem) fail(problem);
  }
  const secret = optionalString(raw, "secret");
  const hash = optionalString(raw, "hash");
  if ((secret === undefined) === (hash === undefined))
    fail("exactly one of [secret] (plaintext) and [hash] (an Elasticsearch-format hash) is required");
  if (secret !== undefined && (secret.length === 0 || secret.length > MAX_SECRET_LENGTH))
    fail(`[secret] must be 1 to ${MAX_SECRET_LENGTH} characters`);
  if (secret !== undefined && context.refusesSecret?.(secret) === true) {
    fail(
      "[secret] has the shape of this library's checksummed secrets (configured prefix, issued length) but a bad checksum, so it could never authenticate",
    );
  }
  if (hash !== undefined) {
    const problem = importedHashProblem(hash);
    if (problem) fail(`[hash] ${problem}`);
  }

  const owner = parseOwner(raw.owner, context);
  const expirationValue = raw.expiration;
  const creation = raw.creation === undefined || raw.creation === null ? undefined : epochMs(raw.creation, "creation");
  let request;
  try {
    request = parseCreateRequest({
      name: raw.name,
      ...(raw.role_descriptors !== undefined ? { role_descriptors: raw.role_descriptors } : {}),
      ...(raw.metadata !== undefined ? { metadata: raw.metadata } : {}),
      ...(typeof expirationValue === "string" ? { expiration: expirationValue } : {}),
    });
  } catch (error) {
    if (isSecurityError(error)) fail(error.reason);
    throw error;
  }
  let expiration: ImportRow["expiration"];
  if (typeof expirationValue === "string") expiration = { afterMs: request.expirationMs as number };
  else if (expirationValue !== undefined && expirationValue !== null) expiration = { at: epochMs(expirationValue, "expiration") };

  return {
    id,
    name: request.name,
    secret,
    hash,
    owner,
    roleDescriptors: request.roleDescriptors ?? {},
    limitedBy: parseLimitedBy(raw.limited_by),
    metadata: request.metadata ?? {},
    creation,
    expiration,
  };
}
