/**
 * Error constructors for the query DSL that `lib/support/security-error.ts` does not already have:
 * Elasticsearch reports these with types of their own (`parsing_exception`, `query_shard_exception`,
 * ...), and clients match on the type. Every one is a 400 `SecurityError`.
 */
import { SecurityError } from "../support/security-error.js";

/** `parsing_exception`: malformed query DSL (unknown query, bad clause shape, unsupported option). */
export function parsingError(reason: string): SecurityError {
  return new SecurityError(400, "parsing_exception", reason);
}

/** `query_shard_exception`: a well-formed query that the target field's type cannot run. */
export function queryShardError(reason: string): SecurityError {
  return new SecurityError(400, "query_shard_exception", reason);
}

/** `aggregation_initialization_exception`: an aggregation tree Elasticsearch refuses to build. */
export function aggregationInitializationError(reason: string): SecurityError {
  return new SecurityError(400, "aggregation_initialization_exception", reason);
}

/** `too_many_buckets_exception`: the `search.max_buckets` guard. */
export function tooManyBucketsError(limit: number, count: number): SecurityError {
  return new SecurityError(
    400,
    "too_many_buckets_exception",
    `Trying to create too many buckets. Must be less than or equal to: [${limit}] but was [${count}]. ` +
      "This limit can be set by changing the [search.max_buckets] cluster level setting.",
    { metadata: { max_buckets: limit } },
  );
}
