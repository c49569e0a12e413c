import type { ApiKeyOptions } from "../../config/security-options.js";
import { optionDuration } from "../../support/duration.js";
import { API_KEY_HASH_ALGORITHMS, type ApiKeyHashAlgorithm } from "./api-key-hash.js";
import type { ResolvedApiKeyConfig } from "./api-key-service.js";

const KNOWN = ["enabled", "hashAlgorithm", "cacheTtl", "cacheMaxKeys", "docCacheTtl", "retention", "removerInterval"];
const FIFTEEN_MINUTES = 15 * 60_000;

function fail(option: string, message: string): never {
  throw new TypeError(`express-keyguard: option apiKeys.${option} ${message}`);
}

/** Validates `options.apiKeys` once, with a message naming the option, the value and the fix. */
export function resolveApiKeyOptions(options: ApiKeyOptions | undefined): ResolvedApiKeyConfig {
  const o: ApiKeyOptions = options ?? {};
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    throw new TypeError("express-keyguard: option apiKeys must be an object such as { hashAlgorithm: \"ssha256\", retention: \"7d\" }");
  }
  for (const key of Object.keys(o)) {
    if (!KNOWN.includes(key)) fail(key, `is not an API-key option (known: ${KNOWN.join(", ")})`);
  }
  const enabled = o.enabled ?? true;
  if (typeof enabled !== "boolean") fail("enabled", `must be true or false (got ${JSON.stringify(enabled)})`);
  const hashAlgorithm = (o.hashAlgorithm ?? "ssha256") as ApiKeyHashAlgorithm;
  if (!API_KEY_HASH_ALGORITHMS.includes(hashAlgorithm)) {
    fail("hashAlgorithm", `must be one of ${API_KEY_HASH_ALGORITHMS.map((a) => `"${a}"`).join(", ")} (got ${JSON.stringify(o.hashAlgorithm)})`);
  }
  const cacheMaxKeys = o.cacheMaxKeys ?? 25_000;
  if (typeof cacheMaxKeys !== "number" || !Number.isInteger(cacheMaxKeys) || cacheMaxKeys < 0 || cacheMaxKeys > 10_000_000) {
    fail("cacheMaxKeys", `must be an integer from 0 to 10000000 (got ${JSON.stringify(cacheMaxKeys)})`);
  }
  const cacheTtlMs = optionDuration(o.cacheTtl ?? "1d", "apiKeys.cacheTtl");
  const docCacheTtlMs = optionDuration(o.docCacheTtl ?? "5m", "apiKeys.docCacheTtl");
  if (docCacheTtlMs < 0 || docCacheTtlMs > FIFTEEN_MINUTES) fail("docCacheTtl", `must be between 0 and 15m, as in Elasticsearch (got ${JSON.stringify(o.docCacheTtl)})`);
  if (cacheTtlMs < 0) fail("cacheTtl", `must not be negative (got ${JSON.stringify(o.cacheTtl)})`);
  const retentionMs = optionDuration(o.retention ?? "7d", "apiKeys.retention");
  if (retentionMs < 0) fail("retention", `must not be negative (got ${JSON.stringify(o.retention)})`);
  const removerIntervalMs = optionDuration(o.removerInterval ?? "1h", "apiKeys.removerInterval");
  if (removerIntervalMs < 10) fail("removerInterval", `must be at least 10ms, e.g. "1h" (got ${JSON.stringify(o.removerInterval)})`);
  return { enabled, hashAlgorithm, cacheTtlMs, cacheMaxKeys, docCacheTtlMs, retentionMs, removerIntervalMs };
}
