import { hostname } from "node:os";
import { auditActor } from "../../audit/audit-actor.js";
import type { Authentication } from "../../model/authentication.js";
import type { ApiKeySelector } from "../../store/api-key-store.js";
import { illegalArgument, type SecurityError } from "../../support/security-error.js";
import { API_KEY_ACTIONS, CROSS_CLUSTER_ACTION } from "./api-key-actions.js";
import type { ApiKeyActionContext } from "./api-key-action-context.js";
import { parseInvalidateRequest } from "./api-key-requests.js";
import type { ClearApiKeyCacheResponse, InvalidateApiKeyResponse } from "./api-key-responses.js";
import { authorizeApiKeyAction } from "./authorize-api-key-action.js";
import { nameMatch } from "./name-match.js";
import { isOwnKeyRequest, selectOwner } from "./own-key-request.js";

/** Clock skew tolerated between instances when deciding whether a key may still be cached. */
const RECENT_INVALIDATION_MARGIN_MS = 10_000;

/** `DELETE /_security/api_key`. */
export async function invalidateApiKeys(
  ctx: ApiKeyActionContext,
  caller: Authentication,
  body: unknown,
): Promise<InvalidateApiKeyResponse> {
  const request = parseInvalidateRequest(body);
  const own = isOwnKeyRequest(caller, request, (key) => request.ids !== undefined && request.ids.every((id) => id === key.id));
  const { permission } = await authorizeApiKeyAction(ctx.authorizer, caller, API_KEY_ACTIONS.invalidate, own);

  // Besides the keys to invalidate, read those invalidated so recently that some instance may
  // still serve them from its cache: a call interrupted after its writes (crash, timeout) never
  // journaled them, and repeating it must finish that job too. Older ones are never cached.
  const now = ctx.clock();
  const selector: ApiKeySelector = { excludeInvalidatedBefore: now - recentlyInvalidatedWindowMs(ctx) };
  selectOwner(selector, caller, request);
  if (request.ids !== undefined) selector.ids = request.ids;
  const name = nameMatch(request.name);
  if (name) selector.name = name;

  const found = await ctx.store.findIds(selector);
  const errors: SecurityError[] = [];
  const canManageCrossCluster = permission.grantsClusterAction(CROSS_CLUSTER_ACTION);
  const targets: Array<{ id: string; version: number }> = [];
  const recentlyInvalidated: string[] = [];
  for (const doc of found) {
    if (doc.invalidated) {
      recentlyInvalidated.push(doc._id);
    } else if (doc.type === "cross_cluster" && !canManageCrossCluster) {
      errors.push(
        illegalArgument(
          `Cannot invalidate cross-cluster API key [${doc._id}]. This requires [manage_security] cluster privilege or higher`,
        ),
      );
    } else {
      targets.push({ id: doc._id, version: doc.version });
    }
  }
  const result = targets.length > 0 ? await ctx.store.invalidate(targets, now) : { invalidated: [], previously: [] };
  const evict = [...new Set([...result.invalidated, ...result.previously, ...recentlyInvalidated])];
  if (evict.length > 0) await ctx.journal.append({ kind: "api_key.invalidate", keys: evict });
  if (result.invalidated.length > 0) void ctx.remover.trigger();
  const response: InvalidateApiKeyResponse = {
    invalidated_api_keys: result.invalidated,
    previously_invalidated_api_keys: result.previously,
    error_count: errors.length,
  };
  if (errors.length > 0) response.error_details = errors.map((e) => e.toCause());
  ctx.audit?.emit(() => ({
    type: "api_key_invalidate",
    timestamp: new Date().toISOString(),
    caller: auditActor(caller),
    ids: [...result.invalidated],
    unchanged_ids: [...result.previously],
    ...(errors.length > 0 ? { errors: errors.map((error) => ({ reason: error.reason })) } : {}),
  }));
  return response;
}

/**
 * `POST /_security/api_key/{ids}/_clear_cache`: evicts the keys (all with `undefined` or `*`)
 * here at once and on every other instance at its next journal poll.
 */
export async function clearApiKeyCache(
  ctx: ApiKeyActionContext,
  caller: Authentication,
  ids: readonly string[] | undefined,
  node: { clusterName: string; nodeId: string },
): Promise<ClearApiKeyCacheResponse> {
  await authorizeApiKeyAction(ctx.authorizer, caller, API_KEY_ACTIONS.clearCache, false);
  const keys = ids && ids.length > 0 && !ids.includes("*") && !ids.includes("_all") ? [...ids] : ["*"];
  await ctx.journal.append({ kind: "api_key.clear_cache", keys });
  return {
    _nodes: { total: 1, successful: 1, failed: 0 },
    cluster_name: node.clusterName,
    nodes: { [node.nodeId]: { name: hostname() } },
  };
}

/**
 * How long after its invalidation a key may still sit in some instance's cache: the document
 * freshness (`docCacheTtl`), plus a margin for clocks of different instances; 0 without caches.
 */
function recentlyInvalidatedWindowMs(ctx: ApiKeyActionContext): number {
  if (ctx.config.cacheTtlMs <= 0) return 0;
  return ctx.config.docCacheTtlMs + RECENT_INVALIDATION_MARGIN_MS;
}
