import { metadataValues } from "../../authc/api-key/api-key-document.js";
import type { RoleDescriptor } from "../../model/role-descriptor.js";
import type { RoleQueryFields } from "../../store/role-store.js";
import { distinctTextTokens } from "../../support/text-tokens.js";
import { flattenMetadata } from "../api-keys/flatten-metadata.js";

/**
 * What Query roles searches of a role, derived from its descriptor: the words of `description`
 * (a `text` field in Elasticsearch), and the metadata in the queryable forms API keys use
 * (`metadata.<path>` reads the expanded copy, bare `metadata` every leaf). Metadata that cannot be
 * expanded (a key segment starting with `$`, which role validation refuses anyway) is left out of
 * the expanded copy rather than failing the write.
 */
export function roleQueryFields(descriptor: RoleDescriptor): RoleQueryFields {
  const metadata = descriptor.metadata ?? {};
  let flattened: Record<string, unknown> = {};
  try {
    flattened = flattenMetadata(metadata);
  } catch {
    flattened = {};
  }
  return {
    description_tokens: distinctTextTokens(descriptor.description),
    metadata_flattened: flattened,
    metadata_values: metadataValues(metadata),
  };
}
