import type { ApiKeyInfo } from "../../authc/api-key/api-key-document.js";
import type { ApiKeyLimitsInfo } from "../../authc/api-key/render-api-key-limits.js";
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

/** Response of `PUT /_security/api_key/{id}/_limits`: the key's limits now (absent when removed). */
export interface SetApiKeyLimitsResponse {
  id: string;
  limits?: ApiKeyLimitsInfo;
}

/** Response of `POST /_security/api_key/{id}/_credits`: the balance now. */
export interface ApiKeyCreditsResponse {
  id: string;
  credits: { remaining: number; leased: number };
}

/** Response of `POST /_security/api_key/{id}/_disable` and `_enable`. */
export interface SetApiKeyEnabledResponse {
  id: string;
  enabled: boolean;
  /** `false` when the key already was in that state. */
  updated: boolean;
}
