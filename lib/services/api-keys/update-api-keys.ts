import { auditActor } from "../../audit/audit-actor.js";
import {
  canonicalJson,
  decodeCreatorMetadata,
  decodeDescriptors,
  decodeMetadata,
  encodeDescriptors,
  encodeMetadata,
  metadataValues,
} from "../../authc/api-key/api-key-document.js";
import { ensureSubjectActive } from "../../authc/ensure-subject-active.js";
import type { Authentication } from "../../model/authentication.js";
import type { RoleDescriptorMap } from "../../model/role-descriptor.js";
import type { ApiKeyDocWithoutHash, ApiKeyUpdate } from "../../store/api-key-store.js";
import type { ApiKeyCreator } from "../../store/store-documents.js";
import { retryPause } from "../../support/retry-pause.js";
import { setOwnKey } from "../../support/set-own-key.js";
import { illegalArgument, notFoundError, SecurityError, type ElasticsearchErrorCause } from "../../support/security-error.js";
import { API_KEY_ACTIONS } from "./api-key-actions.js";
import type { ApiKeyActionContext } from "./api-key-action-context.js";
import { expirationTime, parseBulkUpdateRequest, parseUpdateRequest, type ParsedKeyFields } from "./api-key-requests.js";
import type { BulkUpdateApiKeyResponse } from "./api-key-responses.js";
import { authorizeApiKeyAction } from "./authorize-api-key-action.js";
import { creatorOf } from "./creator-of.js";
import { flattenMetadata } from "./flatten-metadata.js";
import { limitedBySnapshot } from "./limited-by-snapshot.js";
import { ownerRealms } from "./own-key-request.js";

/**
 * Tries per key while concurrent writers keep winning, within a time budget; then a 409
 * (Elasticsearch retries none). The budget keeps a pile-up of writers on one key from turning
 * into slow requests: past it, the loser's answer is the conflict.
 */
const MAX_UPDATE_ATTEMPTS = 30;
const UPDATE_RETRY_BUDGET_MS = 1000;

/** What an update did to each key it was asked about. */
interface UpdateResult {
  updated: string[];
  noops: string[];
  errors: Map<string, SecurityError>;
}

/** `PUT /_security/api_key/{id}`: owner only, never via an API key. */
export async function updateApiKey(
  ctx: ApiKeyActionContext,
  caller: Authentication,
  id: string,
  body?: unknown,
): Promise<{ updated: boolean }> {
  const fields = parseUpdateRequest(body);
  await authorizeApiKeyAction(ctx.authorizer, caller, API_KEY_ACTIONS.update, true);
  ensureNotApiKey(caller);
  const result = await updateKeys(ctx, caller, [id], fields);
  if (result.updated.includes(id)) return { updated: true };
  if (result.noops.includes(id)) return { updated: false };
  throw result.errors.get(id) ?? notFoundError(`no API key owned by requesting user found for ID [${id}]`);
}

/** `POST /_security/api_key/_bulk_update`. */
export async function bulkUpdateApiKeys(
  ctx: ApiKeyActionContext,
  caller: Authentication,
  body: unknown,
): Promise<BulkUpdateApiKeyResponse> {
  const request = parseBulkUpdateRequest(body);
  await authorizeApiKeyAction(ctx.authorizer, caller, API_KEY_ACTIONS.bulkUpdate, true);
  ensureNotApiKey(caller);
  const result = await updateKeys(ctx, caller, request.ids, request);
  const response: BulkUpdateApiKeyResponse = { updated: result.updated, noops: result.noops };
  if (result.errors.size > 0) {
    const details: Record<string, ElasticsearchErrorCause> = {};
    // Ids come from the request as given: `__proto__` must stay a key too.
    for (const [id, error] of result.errors) setOwnKey(details, id, error.toCause());
    response.errors = { count: result.errors.size, details };
  }
  return response;
}

function ensureNotApiKey(caller: Authentication): void {
  if (caller.apiKey) throw illegalArgument("authentication via API key not supported: only the owner user can update an API key");
}

/**
 * Updates the caller's keys `ids` with `fields` (update and bulk update): each key owned by the
 * caller, neither invalidated nor expired, gets the new fields and a fresh owner snapshot, through
 * a compare-and-set on its version.
 */
async function updateKeys(
  ctx: ApiKeyActionContext,
  caller: Authentication,
  ids: readonly string[],
  fields: ParsedKeyFields,
): Promise<UpdateResult> {
  const updated: string[] = [];
  const noops: string[] = [];
  const errors = new Map<string, SecurityError>();
  const username = caller.user.username;
  const realms = ownerRealms(caller);
  const owned = (doc: ApiKeyDocWithoutHash | null): doc is ApiKeyDocWithoutHash =>
    doc !== null && doc.creator.principal === username && realms.includes(doc.creator.realm);

  // An update re-captures the owner and may push the expiration out: as much a mint as create.
  await ensureSubjectActive(caller, ctx.authentication.chain);
  const limitedBy = await limitedBySnapshot(ctx.authorizer, caller);
  const creator = creatorOf(caller);
  const docs = new Map((await ctx.store.find({ ids, username, realms })).map((doc) => [doc._id, doc]));
  const now = ctx.clock();

  for (const id of ids) {
    let doc: ApiKeyDocWithoutHash | null = docs.get(id) ?? null;
    let done = false;
    const giveUpAt = Date.now() + UPDATE_RETRY_BUDGET_MS;
    let triedVersion: number | undefined;
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS && !done; attempt++) {
      if (attempt > 0) {
        if (Date.now() >= giveUpAt) break;
        await retryPause(attempt);
        doc = await ctx.store.getWithoutHash(id);
        // Still the version we lost on: its winner is mid-write. Wait for it, reading only
        // (another claim attempt would be one more write on a contended document).
        if (doc !== null && doc.version === triedVersion) continue;
      }
      if (!owned(doc)) {
        errors.set(id, notFoundError(`no API key owned by requesting user found for ID [${id}]`));
        done = true;
        break;
      }
      const problem = updateProblem(doc, now);
      if (problem) {
        errors.set(id, illegalArgument(problem));
        done = true;
        break;
      }
      const change: ApiKeyUpdate = { creator, limited_by_role_descriptors: encodeDescriptors(limitedBy) };
      if (fields.roleDescriptors !== undefined) change.role_descriptors = encodeDescriptors(fields.roleDescriptors);
      if (fields.metadata !== undefined) {
        change.metadata = encodeMetadata(fields.metadata);
        change.metadata_flattened = flattenMetadata(fields.metadata);
        change.metadata_values = metadataValues(fields.metadata);
      }
      if (fields.expirationMs !== undefined) change.expiration_time = expirationTime(now, fields.expirationMs);
      if (isNoop(doc, fields, creator, limitedBy)) {
        noops.push(id);
        done = true;
      } else {
        triedVersion = doc.version;
        if (await ctx.store.compareAndSet(id, doc.version, change)) {
          updated.push(id);
          done = true;
        }
      }
    }
    if (!done)
      errors.set(
        id,
        new SecurityError(409, "version_conflict_engine_exception", `[${id}]: version conflict, the API key was changed concurrently`),
      );
  }
  if (updated.length > 0) await ctx.journal.append({ kind: "api_key.update", keys: updated });
  ctx.audit?.emit(() => ({
    type: "api_key_update",
    timestamp: new Date().toISOString(),
    caller: auditActor(caller),
    owner: { username, realm: realms[0] ?? caller.lookupRealm.name },
    ids: [...updated],
    unchanged_ids: [...noops],
    ...(errors.size > 0 ? { errors: [...errors].map(([id, error]) => ({ id, reason: error.reason })) } : {}),
  }));
  return { updated, noops, errors };
}

/** Elasticsearch's `validateForUpdate` messages, or `undefined` when the key may be updated. */
function updateProblem(doc: ApiKeyDocWithoutHash, now: number): string | undefined {
  if (doc.invalidated) return `cannot update invalidated API key [${doc._id}]`;
  if (doc.expiration_time !== null && doc.expiration_time !== undefined && now > doc.expiration_time)
    return `cannot update expired API key [${doc._id}]`;
  if (!doc.name) return `cannot update legacy API key [${doc._id}] without name`;
  const type = doc.type ?? "rest";
  if (type !== "rest") return `cannot update API key of type [${type}] while expected type is [rest]`;
  return undefined;
}

/** Elasticsearch's `isNoop`: nothing the update would write differs from what is stored. */
function isNoop(doc: ApiKeyDocWithoutHash, fields: ParsedKeyFields, creator: ApiKeyCreator, limitedBy: RoleDescriptorMap): boolean {
  if (fields.expirationMs !== undefined) return false;
  const stored = doc.creator;
  if (
    stored.principal !== creator.principal ||
    (stored.full_name ?? null) !== creator.full_name ||
    (stored.email ?? null) !== creator.email ||
    stored.realm !== creator.realm ||
    stored.realm_type !== creator.realm_type ||
    canonicalJson(decodeCreatorMetadata(stored.metadata)) !== canonicalJson(decodeCreatorMetadata(creator.metadata))
  ) {
    return false;
  }
  if (fields.metadata !== undefined && canonicalJson(decodeMetadata(doc.metadata)) !== canonicalJson(fields.metadata)) return false;
  if (
    fields.roleDescriptors !== undefined &&
    canonicalJson(decodeDescriptors(doc.role_descriptors)) !== canonicalJson(fields.roleDescriptors)
  ) {
    return false;
  }
  return canonicalJson(decodeDescriptors(doc.limited_by_role_descriptors)) === canonicalJson(limitedBy);
}
