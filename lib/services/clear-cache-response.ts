import { hostname } from "node:os";

/** How this instance names itself in node-level responses (one instance = one node). */
export interface ClusterNode {
  readonly clusterName: string;
  readonly nodeId: string;
}

/** The body of Elasticsearch's `_clear_cache` endpoints (roles, realms, privileges, API keys). */
export interface ClearCacheResponse {
  _nodes: { total: number; successful: number; failed: number };
  cluster_name: string;
  nodes: Record<string, { name: string }>;
}

/**
 * The answer of a cache clearing that this instance applied at once and journaled for every
 * other instance: one node, the one answering, as Elasticsearch reports the nodes it reached.
 */
export function clearCacheResponse(node: ClusterNode): ClearCacheResponse {
  const nodes: Record<string, { name: string }> = {};
  nodes[node.nodeId] = { name: hostname() };
  return { _nodes: { total: 1, successful: 1, failed: 0 }, cluster_name: node.clusterName, nodes };
}
