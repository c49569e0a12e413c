import type { ApiKeyInfo } from "../../authc/api-key/api-key-document.js";
import type { ElasticsearchErrorCause } from "../../support/security-error.js";

/** Response of create and grant: the secret, shown this once. */
export interface CreateApiKeyResponse {
  id: string;
  name: string;
  expiration?: number;
  api_key: string;
  encoded: string;
}

export interface GetApiKeyResponse {
  api_keys: ApiKeyInfo[];
}

export interface InvalidateApiKeyResponse {
  invalidated_api_keys: string[];
  previously_invalidated_api_keys: string[];
  error_count: number;
  error_details?: ElasticsearchErrorCause[];
}

export interface BulkUpdateApiKeyResponse {
  updated: string[];
  noops: string[];
  errors?: { count: number; details: Record<string, ElasticsearchErrorCause> };
}

export interface ClearApiKeyCacheResponse {
  _nodes: { total: number; successful: number; failed: number };
  cluster_name: string;
  nodes: Record<string, { name: string }>;
}
