import { hashSsha256 } from "../../lib/authc/api-key/api-key-hash.js";
import type { ApiKeyDoc } from "../../lib/store/store-documents.js";

/** The secret of {@link apiKeyDoc}'s default hash. */
export const API_KEY_DOC_SECRET = "s".repeat(22);

/**
 * A stored API-key document for unit tests: a REST key of `alice` (native realm), valid, never
 * expiring, no descriptors, hashed `{SSHA256}` from {@link API_KEY_DOC_SECRET}, version 1.
 */
export function apiKeyDoc(overrides: Partial<ApiKeyDoc> = {}): ApiKeyDoc {
  return {
    _id: "key-id-0000000000001",
    doc_type: "api_key",
    type: "rest",
    name: "k",
    creation_time: 0,
    expiration_time: null,
    invalidated: false,
    invalidation_time: null,
    hash: hashSsha256(API_KEY_DOC_SECRET),
    role_descriptors: "{}",
    limited_by_role_descriptors: "{}",
    metadata: "{}",
    metadata_flattened: {},
    metadata_values: [],
    creator: { principal: "alice", full_name: null, email: null, metadata: "{}", realm: "native", realm_type: "native" },
    version: 1,
    ...overrides,
  };
}
