/**
 * Parsing and validation of the API-key request bodies and parameters, with Elasticsearch's
 * messages. Parse errors (wrong JSON types, unknown fields) come first, then one aggregated
 * `Validation Failed` error, as in Elasticsearch where `validate()` runs on a parsed request.
 */
import { parseRoleDescriptorMap } from "../../authz/parse-role-descriptor.js";
import type { RoleDescriptorMap } from "../../model/role-descriptor.js";
import { assertSafeKeys, isPlainObject, typeName, type JsonObject } from "../../support/json-input.js";
import { parseError, SecurityError, validationError, xContentParseError } from "../../support/security-error.js";
import { javaTrim, parseTimeValue } from "../../support/time-value.js";
import { flattenMetadata } from "./flatten-metadata.js";
import { parseApiKeyLimits, type ParsedApiKeyLimits } from "./parse-api-key-limits.js";

/** The key fields shared by create, grant (`api_key`) and update. */
export interface ParsedKeyFields {
  /** Milliseconds from now; `undefined` when not given. */
  expirationMs: number | undefined;
  /** `undefined` when not given (create: inherit; update: keep). */
  roleDescriptors: RoleDescriptorMap | undefined;
  /** `undefined` when not given. */
  metadata: JsonObject | undefined;
}

export interface ParsedCreateRequest extends ParsedKeyFields {
  name: string;
  /** The `limits` extension; `undefined` when not given. */
  limits?: ParsedApiKeyLimits | undefined;
}

export interface ParsedBulkUpdateRequest extends ParsedKeyFields {
  ids: string[];
}

/** `GET /_security/api_key` parameters, typed. */
export interface GetApiKeyParams {
  id?: string;
  name?: string;
  username?: string;
  realm_name?: string;
  owner?: boolean;
  with_limited_by?: boolean;
  active_only?: boolean;
  with_profile_uid?: boolean;
}

export interface ParsedGetRequest {
  id: string | undefined;
  name: string | undefined;
  username: string | undefined;
  realmName: string | undefined;
  owner: boolean;
  withLimitedBy: boolean;
  activeOnly: boolean;
}

export interface ParsedInvalidateRequest {
  ids: string[] | undefined;
  name: string | undefined;
  username: string | undefined;
  realmName: string | undefined;
  owner: boolean;
}

export type GrantType = "password" | "access_token";

export interface ParsedGrantRequest {
  grantType: string;
  username: string | undefined;
  password: string | undefined;
  accessToken: string | undefined;
  runAs: string | undefined;
  clientAuthentication: { scheme: string; value: string } | undefined;
  apiKey: ParsedCreateRequest;
}

const MAX_NAME_LENGTH = 256;

/** Elasticsearch's `Strings.hasText`. */
export function hasText(value: string | undefined | null): value is string {
  return typeof value === "string" && value.trim().length > 0;
}

function unknownField(parser: string, field: string): SecurityError {
  return xContentParseError(`[${parser}] unknown field [${field}]`);
}

function wrongType(parser: string, field: string, value: unknown): SecurityError {
  return xContentParseError(`[${parser}] ${field} doesn't support values of type: ${typeName(value)}`);
}

function requireBody(body: unknown, optional: boolean): JsonObject {
  if (body === undefined || body === null || (typeof body === "string" && body === "")) {
    if (optional) return {};
    throw parseError("request body is required");
  }
  if (!isPlainObject(body)) throw xContentParseError(`request body must be a JSON object but found [${typeName(body)}]`);
  return body;
}

function stringField(parser: string, body: JsonObject, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw wrongType(parser, field, value);
  return value;
}

function booleanField(parser: string, body: JsonObject, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  throw wrongType(parser, field, value);
}

function stringArrayField(parser: string, body: JsonObject, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) throw wrongType(parser, field, value);
  return value.map((item) => {
    if (typeof item !== "string") throw wrongType(parser, field, item);
    return item;
  });
}

/**
 * An `expiration` TimeValue (Elasticsearch's `TimeValue.parseTimeValue`, see `time-value.ts`), in
 * milliseconds; `undefined` when absent. `0` and `-1` are accepted and expire the key at once, as
 * in Elasticsearch. A non-string is refused like Elasticsearch's object parser refuses it.
 */
export function parseExpiration(value: unknown, parser = "api_key_request"): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw wrongType(parser, "expiration", value);
  return parseTimeValue(value, "expiration").ms;
}

/**
 * `now + expiration` in whole seconds, as `Instant.plusSeconds(expiration.getSeconds())`
 * (`getSeconds` truncates toward zero: `900ms` and `-1` expire at once, `-1d` a day ago).
 */
export function expirationTime(now: number, expirationMs: number | undefined): number | null {
  if (expirationMs === undefined) return null;
  return now + Math.trunc(expirationMs / 1000) * 1000;
}

function parseMetadata(parser: string, value: unknown): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw wrongType(parser, "metadata", value);
  assertSafeKeys(value, "metadata");
  // Dotted keys are fine (`{"a.b": 1}` is queried as `metadata.a.b`, as in Elasticsearch); this
  // refuses what their expansion cannot store (`{"a.$b": 1}`, too many levels).
  flattenMetadata(value);
  return structuredClone(value);
}

function parseDescriptors(value: unknown): { map: RoleDescriptorMap | undefined; deferred: SecurityError | undefined } {
  if (value === undefined || value === null) return { map: undefined, deferred: undefined };
  try {
    return { map: parseRoleDescriptorMap(value, { forApiKey: true }), deferred: undefined };
  } catch (error) {
    // Structural errors win over every validation message; descriptor validation problems are
    // reported after the request's own (name, metadata) problems.
    if (error instanceof SecurityError && error.type === "action_request_validation_exception") return { map: undefined, deferred: error };
    throw error;
  }
}

function nameProblems(name: string | undefined): string[] {
  if (name === undefined || name.length === 0) return ["api key name is required"];
  const problems: string[] = [];
  if (name.length > MAX_NAME_LENGTH) problems.push(`api key name may not be more than ${MAX_NAME_LENGTH} characters long`);
  if (name !== javaTrim(name)) problems.push("api key name may not begin or end with whitespace");
  if (name.startsWith("_")) problems.push("api key name may not begin with an underscore");
  return problems;
}

function metadataProblems(metadata: JsonObject | undefined): string[] {
  return metadata && Object.keys(metadata).some((k) => k.startsWith("_")) ? ["API key metadata keys may not start with [_]"] : [];
}

function finish(problems: string[], deferred: SecurityError | undefined): void {
  if (problems.length > 0) throw validationError(problems);
  if (deferred) throw deferred;
}

/** Elasticsearch's fields, then `limits`, this library's extension (see docs/api-key-limits.md). */
const CREATE_FIELDS = ["name", "expiration", "role_descriptors", "metadata", "limits"];

interface RawCreate {
  name: string | undefined;
  fields: ParsedKeyFields;
  limits: ParsedApiKeyLimits | undefined;
  /** Problems of the `limits` values, reported after Elasticsearch's own. */
  limitProblems: string[];
  deferred: SecurityError | undefined;
}

function parseCreateFields(parser: string, body: JsonObject): RawCreate {
  for (const key of Object.keys(body)) if (!CREATE_FIELDS.includes(key)) throw unknownField(parser, key);
  const name = stringField(parser, body, "name");
  const expirationMs = parseExpiration(body.expiration, parser);
  const { map, deferred } = parseDescriptors(body.role_descriptors);
  const metadata = parseMetadata(parser, body.metadata);
  const limitProblems: string[] = [];
  const limits = parseApiKeyLimits(body.limits, limitProblems, parser);
  if (limits?.credits && limits.credits.remaining === undefined && limits.credits.refill === undefined) {
    limitProblems.push("[limits.credits] needs [remaining] or a [refill]");
  }
  return { name, fields: { expirationMs, roleDescriptors: map, metadata }, limits, limitProblems, deferred };
}

/** `POST|PUT /_security/api_key` body. */
export function parseCreateRequest(body: unknown): ParsedCreateRequest {
  const raw = parseCreateFields("api_key_request", requireBody(body, false));
  finish([...nameProblems(raw.name), ...metadataProblems(raw.fields.metadata), ...raw.limitProblems], raw.deferred);
  return { name: raw.name as string, ...raw.fields, limits: raw.limits };
}

const UPDATE_FIELDS = ["role_descriptors", "metadata", "expiration"];

/** `PUT /_security/api_key/{id}` body (optional). */
export function parseUpdateRequest(body: unknown): ParsedKeyFields {
  const parser = "update_api_key_request_payload";
  const input = requireBody(body, true);
  for (const key of Object.keys(input)) if (!UPDATE_FIELDS.includes(key)) throw unknownField(parser, key);
  const expirationMs = parseExpiration(input.expiration, parser);
  const { map, deferred } = parseDescriptors(input.role_descriptors);
  const metadata = parseMetadata(parser, input.metadata);
  finish(metadataProblems(metadata), deferred);
  return { expirationMs, roleDescriptors: map, metadata };
}

/** `POST /_security/api_key/_bulk_update` body. */
export function parseBulkUpdateRequest(body: unknown): ParsedBulkUpdateRequest {
  const parser = "bulk_update_api_key_request_payload";
  const input = requireBody(body, false);
  for (const key of Object.keys(input)) if (key !== "ids" && !UPDATE_FIELDS.includes(key)) throw unknownField(parser, key);
  const ids = stringArrayField(parser, input, "ids");
  if (ids === undefined) throw xContentParseError(`[${parser}] failed to parse object: Required [ids]`);
  const expirationMs = parseExpiration(input.expiration, parser);
  const { map, deferred } = parseDescriptors(input.role_descriptors);
  const metadata = parseMetadata(parser, input.metadata);
  const problems = metadataProblems(metadata);
  if (ids.length === 0) problems.push("Field [ids] cannot be empty");
  finish(problems, deferred);
  return { ids: [...new Set(ids)], expirationMs, roleDescriptors: map, metadata };
}

function optionalParam(params: JsonObject, field: string): string | undefined {
  const value = params[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new SecurityError(400, "illegal_argument_exception", `parameter [${field}] must be a string`);
  return hasText(value) ? value : undefined;
}

function booleanParamValue(params: JsonObject, field: string): boolean {
  const value = params[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") throw new SecurityError(400, "illegal_argument_exception", `parameter [${field}] must be a boolean`);
  return value;
}

/** `GET /_security/api_key` parameters and their validation (GetApiKeyRequest.validate). */
export function parseGetRequest(params: GetApiKeyParams | undefined): ParsedGetRequest {
  const input = (params ?? {}) as JsonObject;
  if (!isPlainObject(input)) throw new TypeError("apiKeys.get(caller, params): params must be an object");
  const request: ParsedGetRequest = {
    id: optionalParam(input, "id"),
    name: optionalParam(input, "name"),
    username: optionalParam(input, "username"),
    realmName: optionalParam(input, "realm_name"),
    owner: booleanParamValue(input, "owner"),
    withLimitedBy: booleanParamValue(input, "with_limited_by"),
    activeOnly: booleanParamValue(input, "active_only"),
  };
  booleanParamValue(input, "with_profile_uid");
  const problems: string[] = [];
  const byKey = request.id !== undefined || request.name !== undefined;
  const byOwner = request.username !== undefined || request.realmName !== undefined;
  if (byKey && byOwner) problems.push("username or realm name must not be specified when the api key id or api key name is specified");
  if (request.owner && byOwner) problems.push("neither username nor realm-name may be specified when retrieving owned API keys");
  if (request.id !== undefined && request.name !== undefined) problems.push("only one of [api key id, api key name] can be specified");
  finish(problems, undefined);
  return request;
}

const INVALIDATE_FIELDS = ["ids", "id", "name", "realm_name", "username", "owner"];

/** `DELETE /_security/api_key` body and its validation (InvalidateApiKeyRequest.validate). */
export function parseInvalidateRequest(body: unknown): ParsedInvalidateRequest {
  const parser = "invalidate_api_key";
  const input = requireBody(body, false);
  for (const key of Object.keys(input)) if (!INVALIDATE_FIELDS.includes(key)) throw unknownField(parser, key);
  const idsField = stringArrayField(parser, input, "ids");
  const id = stringField(parser, input, "id");
  if (id !== undefined && idsField !== undefined) {
    throw new SecurityError(400, "illegal_argument_exception", "Must use either [id] or [ids], not both at the same time");
  }
  const ids = hasText(id) ? [id] : idsField;
  const name = stringField(parser, input, "name");
  const realmName = stringField(parser, input, "realm_name");
  const username = stringField(parser, input, "username");
  const owner = booleanField(parser, input, "owner") ?? false;

  const problems: string[] = [];
  if (ids !== undefined) {
    if (ids.length === 0) problems.push("Field [ids] cannot be an empty array");
    else {
      const blank = ids.flatMap((value, index) => (hasText(value) ? [] : [index]));
      if (blank.length > 0) {
        problems.push(
          `Field [ids] must not contain blank id, but got blank ${blank.length === 1 ? "id" : "ids"} at index ${
            blank.length === 1 ? "position" : "positions"
          }: [${blank.join(", ")}]`,
        );
      }
    }
  }
  if (!hasText(realmName) && !hasText(username) && ids === undefined && !hasText(name) && !owner) {
    problems.push("One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false");
  }
  if (ids !== undefined || hasText(name)) {
    if (hasText(realmName) || hasText(username)) {
      problems.push("username or realm name must not be specified when the api key id(s) or api key name is specified");
    }
  }
  if (owner && (hasText(realmName) || hasText(username))) {
    problems.push("neither username nor realm-name may be specified when invalidating owned API keys");
  }
  if (ids !== undefined && hasText(name)) problems.push("only one of [api key id(s), api key name] can be specified");
  finish(problems, undefined);
  return {
    ids: ids === undefined ? undefined : [...new Set(ids)],
    name: hasText(name) ? name : undefined,
    username: hasText(username) ? username : undefined,
    realmName: hasText(realmName) ? realmName : undefined,
    owner,
  };
}

const GRANT_FIELDS = ["grant_type", "username", "password", "access_token", "run_as", "client_authentication", "api_key"];

/** `POST /_security/api_key/grant` body and its validation (GrantApiKeyRequest.validate). */
export function parseGrantRequest(body: unknown): ParsedGrantRequest {
  const parser = "grant_api_key_request";
  const input = requireBody(body, false);
  for (const key of Object.keys(input)) if (!GRANT_FIELDS.includes(key)) throw unknownField(parser, key);
  const grantType = stringField(parser, input, "grant_type");
  const username = stringField(parser, input, "username");
  const password = stringField(parser, input, "password");
  const accessToken = stringField(parser, input, "access_token");
  const runAs = stringField(parser, input, "run_as");
  let clientAuthentication: ParsedGrantRequest["clientAuthentication"];
  const rawClient = input.client_authentication;
  if (rawClient !== undefined && rawClient !== null) {
    if (!isPlainObject(rawClient)) throw wrongType(parser, "client_authentication", rawClient);
    for (const key of Object.keys(rawClient)) if (key !== "scheme" && key !== "value") throw unknownField("client_authentication", key);
    const scheme = stringField("client_authentication", rawClient, "scheme");
    const value = stringField("client_authentication", rawClient, "value");
    if (scheme === undefined || value === undefined) throw xContentParseError("[client_authentication] requires [scheme] and [value]");
    clientAuthentication = { scheme, value };
  }
  const rawKey = input.api_key;
  if (rawKey !== undefined && rawKey !== null && !isPlainObject(rawKey)) throw wrongType(parser, "api_key", rawKey);
  const key = parseCreateFields("api_key_request", rawKey ?? {});

  // ApiKey request problems first, then the grant's (GrantApiKeyRequest.validate order).
  const problems = [...nameProblems(key.name), ...metadataProblems(key.fields.metadata), ...key.limitProblems];
  const required = (field: string, value: string | undefined) => {
    if (!value) problems.push(`[${field}] is required for grant_type [${grantType}]`);
  };
  const unsupported = (field: string, value: string | undefined) => {
    if (value) problems.push(`[${field}] is not supported for grant_type [${grantType}]`);
  };
  if (grantType === undefined) problems.push("[grant_type] is required");
  else if (grantType === "password") {
    required("username", username);
    required("password", password);
    unsupported("access_token", accessToken);
    if (clientAuthentication) problems.push(`[client_authentication] is not supported for grant_type [${grantType}]`);
  } else if (grantType === "access_token") {
    required("access_token", accessToken);
    unsupported("username", username);
    unsupported("password", password);
    if (clientAuthentication && clientAuthentication.scheme.trim() !== "SharedSecret") {
      problems.push("[client_authentication.scheme] must be set to [SharedSecret]");
    }
  } else {
    problems.push(`grant_type [${grantType}] is not supported`);
  }
  finish(problems, key.deferred);
  return {
    grantType: grantType as string,
    username,
    password,
    accessToken,
    runAs: runAs !== undefined && runAs !== "" ? runAs : undefined,
    clientAuthentication,
    apiKey: { name: key.name as string, ...key.fields, limits: key.limits },
  };
}
