/**
 * Conversions between the stored API-key document and what callers see: the `Authentication` of
 * a request made with the key, and the `ApiKeyInfo` of Get/Query responses (Elasticsearch's
 * emission order).
 */
import type { RoleDescriptor, RoleDescriptorMap } from "../../model/role-descriptor.js";
import type { ApiKeyDocWithoutHash } from "../../store/api-key-store.js";
import { API_KEY_REALM, Authentication, type User } from "../../model/authentication.js";
import { deepFreeze } from "../../support/deep-freeze.js";
import { setOwnKey } from "../../support/set-own-key.js";
import { limitsOf } from "./api-key-limits-of.js";
import { renderApiKeyLimits, type ApiKeyLimitsInfo } from "./render-api-key-limits.js";

/** One API key as `GET /_security/api_key` and `_query/api_key` return it. */
export interface ApiKeyInfo {
  id: string;
  name: string | null;
  type: "rest" | "cross_cluster";
  creation: number;
  expiration?: number;
  invalidated: boolean;
  invalidation?: number;
  /**
   * Latest successful authentication (epoch ms) as flushed by the instances' usage trackers;
   * absent when the key was never used (an extension: Elasticsearch has no such field).
   */
  last_used?: number;
  /** Successful authentications flushed so far; absent with `last_used` (an extension). */
  use_count?: number;
  /** `false` for a disabled key; absent while enabled (an extension, see docs/api-key-limits.md). */
  enabled?: false;
  /** When a disabled key was disabled (epoch ms); absent while enabled (an extension). */
  disabled_at?: number;
  username: string;
  realm: string;
  realm_type?: string;
  metadata: Record<string, unknown>;
  role_descriptors: Record<string, unknown>;
  limited_by?: Array<Record<string, unknown>>;
  /** Rate limits and credits; absent on keys without any (an extension, see docs/api-key-limits.md). */
  limits?: ApiKeyLimitsInfo;
  _sort?: unknown[];
}

export interface RenderOptions {
  withLimitedBy: boolean;
}

function parseJsonObject(text: unknown): Record<string, unknown> {
  if (typeof text !== "string" || text === "") return {};
  const value: unknown = JSON.parse(text);
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Stored form of a descriptor map (a JSON string; see `ApiKeyDoc.role_descriptors`). */
export function encodeDescriptors(map: RoleDescriptorMap): string {
  return JSON.stringify(map);
}

export function decodeDescriptors(text: unknown): RoleDescriptorMap {
  return parseJsonObject(text) as RoleDescriptorMap;
}

export function decodeCreatorMetadata(text: unknown): Record<string, unknown> {
  return parseJsonObject(text);
}

/** Stored form of a key's metadata (a JSON string; see `ApiKeyDoc.metadata`). */
export function encodeMetadata(metadata: Record<string, unknown>): string {
  return JSON.stringify(metadata);
}

/** A key's metadata as given at create/update (documents written as objects are read as they are). */
export function decodeMetadata(stored: unknown): Record<string, unknown> {
  if (stored !== null && typeof stored === "object" && !Array.isArray(stored)) return stored as Record<string, unknown>;
  return parseJsonObject(stored);
}

/**
 * JSON with object keys sorted, for order-insensitive equality (Elasticsearch compares maps and
 * descriptor sets, not their serializations).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) setOwnKey(sorted, key, (inner as Record<string, unknown>)[key]);
    return sorted;
  });
}

/** Every leaf of `metadata` as a string (what a query on bare `metadata` searches). */
export function metadataValues(metadata: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const stack: unknown[] = [metadata];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) stack.push(...(value as unknown[]));
    else if (typeof value === "object") stack.push(...Object.values(value as Record<string, unknown>));
    else if (typeof value === "string") out.add(value);
    else if (typeof value === "number" || typeof value === "boolean") out.add(String(value));
  }
  return [...out];
}

/** A descriptor in Elasticsearch's output order. */
export function renderDescriptor(descriptor: RoleDescriptor): Record<string, unknown> {
  const out: Record<string, unknown> = { cluster: descriptor.cluster ?? [] };
  if (descriptor.global !== undefined && Object.keys(descriptor.global).length > 0) out.global = descriptor.global;
  out.indices = descriptor.indices ?? [];
  out.applications = descriptor.applications ?? [];
  out.run_as = descriptor.run_as ?? [];
  out.metadata = descriptor.metadata ?? {};
  out.transient_metadata = descriptor.transient_metadata ?? { enabled: true };
  if (descriptor.restriction !== undefined) out.restriction = descriptor.restriction;
  return out;
}

function renderMap(map: RoleDescriptorMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Role names may be `__proto__` (a native role of that name in a limited-by snapshot).
  for (const [name, descriptor] of Object.entries(map)) setOwnKey(out, name, renderDescriptor(descriptor));
  return out;
}

/** A stored key with its usage joined in (see `ApiKeyUsageStore`), when it has any. */
export type ApiKeyDocWithUsage = ApiKeyDocWithoutHash & { last_used?: unknown; use_count?: unknown };

/** `ApiKeyInfo` of a stored key, in Elasticsearch's emission order (usage after `invalidation`). */
export function renderApiKeyInfo(doc: ApiKeyDocWithUsage, options: RenderOptions): ApiKeyInfo {
  const type = doc.type === "cross_cluster" ? "cross_cluster" : "rest";
  const info: ApiKeyInfo = { id: doc._id, name: doc.name ?? null, type, creation: doc.creation_time } as ApiKeyInfo;
  if (typeof doc.expiration_time === "number") info.expiration = doc.expiration_time;
  info.invalidated = doc.invalidated === true;
  if (typeof doc.invalidation_time === "number") info.invalidation = doc.invalidation_time;
  if (typeof doc.last_used === "number") {
    info.last_used = doc.last_used;
    info.use_count = typeof doc.use_count === "number" ? doc.use_count : 0;
  }
  if (doc.enabled === false) {
    info.enabled = false;
    if (typeof doc.disabled_at === "number") info.disabled_at = doc.disabled_at;
  }
  info.username = doc.creator.principal;
  info.realm = doc.creator.realm;
  if (doc.creator.realm_type) info.realm_type = doc.creator.realm_type;
  info.metadata = decodeMetadata(doc.metadata);
  info.role_descriptors = renderMap(decodeDescriptors(doc.role_descriptors));
  if (options.withLimitedBy && type === "rest") info.limited_by = [renderMap(decodeDescriptors(doc.limited_by_role_descriptors))];
  const limits = renderApiKeyLimits(doc.limits);
  if (limits) info.limits = limits;
  return info;
}

/**
 * The subject of a request authenticated with this key: the owner (from `creator`) with no roles,
 * in realm `_es_api_key`, carrying the key's descriptors and limited-by snapshot. Deeply frozen,
 * so one instance can be shared by every request of the auth cache.
 */
export function authenticationFromDoc(doc: ApiKeyDocWithoutHash): Authentication {
  const creator = doc.creator;
  const user: User = {
    username: creator.principal,
    roles: [],
    full_name: creator.full_name ?? null,
    email: creator.email ?? null,
    metadata: decodeCreatorMetadata(creator.metadata),
    enabled: true,
  };
  const limits = limitsOf(doc);
  return new Authentication({
    user: deepFreeze(user),
    authenticationRealm: API_KEY_REALM,
    type: "api_key",
    apiKey: deepFreeze({
      id: doc._id,
      name: doc.name ?? null,
      metadata: decodeMetadata(doc.metadata),
      roleDescriptors: decodeDescriptors(doc.role_descriptors),
      limitedBy: decodeDescriptors(doc.limited_by_role_descriptors),
      creatorRealm: { name: creator.realm, type: creator.realm_type },
      ...(limits ? { limits } : {}),
    }),
  });
}
