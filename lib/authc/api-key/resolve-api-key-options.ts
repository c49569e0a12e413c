import { API_KEY_HASH_ALGORITHMS, type ApiKeyOptions, type ResolvedApiKeyConfig } from "../../model/api-key-options.js";
import { optionDuration } from "../../support/duration.js";
import { DEFAULT_SECRET_PREFIX, SECRET_PREFIX_PATTERN } from "./api-key-secret-format.js";

const KNOWN = [
  "enabled",
  "hashAlgorithm",
  "cacheTtl",
  "cacheMaxKeys",
  "docCacheTtl",
  "retention",
  "removerInterval",
  "secretPrefix",
  "upgradeHashes",
  "usageFlushInterval",
];
const FIFTEEN_MINUTES = 15 * 60_000;

function fail(option: string, message: string): never {
  throw new TypeError(`express-keyguard: option apiKeys.${option} ${message}`);
}

/** `usageFlushInterval` in ms, 0 when tracking is off. */
function usageInterval(value: unknown): number {
  if (value === undefined) return 60_000;
  if (value === false || value === 0) return 0;
  if (typeof value !== "string" && typeof value !== "number") {
    fail("usageFlushInterval", `must be a duration such as "60s", or 0 / false to turn tracking off (got ${JSON.stringify(value)})`);
  }
  const ms = optionDuration(value, "apiKeys.usageFlushInterval");
  if (ms === 0) return 0;
  if (ms < 10 || ms > 86_400_000)
    fail("usageFlushInterval", `must be between 10ms and 1d, or 0 / false to turn tracking off (got ${JSON.stringify(value)})`);
  return ms;
}

/** Validates `options.apiKeys` once, with a message naming the option, the value and the fix. */
export function resolveApiKeyOptions(options: ApiKeyOptions | undefined): ResolvedApiKeyConfig {
  const o: ApiKeyOptions = options ?? {};
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    throw new TypeError('express-keyguard: option apiKeys must be an object such as { hashAlgorithm: "ssha256", retention: "7d" }');
  }
  for (const key of Object.keys(o)) {
    if (!KNOWN.includes(key)) fail(key, `is not an API-key option (known: ${KNOWN.join(", ")})`);
  }
  const enabled = o.enabled ?? true;
  if (typeof enabled !== "boolean") fail("enabled", `must be true or false (got ${JSON.stringify(enabled)})`);
  const hashAlgorithm = o.hashAlgorithm ?? "ssha256";
  if (!API_KEY_HASH_ALGORITHMS.includes(hashAlgorithm)) {
    fail(
      "hashAlgorithm",
      `must be one of ${API_KEY_HASH_ALGORITHMS.map((a) => `"${a}"`).join(", ")} (got ${JSON.stringify(o.hashAlgorithm)})`,
    );
  }
  const cacheMaxKeys = o.cacheMaxKeys ?? 25_000;
  if (typeof cacheMaxKeys !== "number" || !Number.isInteger(cacheMaxKeys) || cacheMaxKeys < 0 || cacheMaxKeys > 10_000_000) {
    fail("cacheMaxKeys", `must be an integer from 0 to 10000000 (got ${JSON.stringify(cacheMaxKeys)})`);
  }
  const cacheTtlMs = optionDuration(o.cacheTtl ?? "1d", "apiKeys.cacheTtl");
  const docCacheTtlMs = optionDuration(o.docCacheTtl ?? "5m", "apiKeys.docCacheTtl");
  if (docCacheTtlMs < 0 || docCacheTtlMs > FIFTEEN_MINUTES)
    fail("docCacheTtl", `must be between 0 and 15m, as in Elasticsearch (got ${JSON.stringify(o.docCacheTtl)})`);
  if (cacheTtlMs < 0) fail("cacheTtl", `must not be negative (got ${JSON.stringify(o.cacheTtl)})`);
  const retentionMs = optionDuration(o.retention ?? "7d", "apiKeys.retention");
  if (retentionMs < 0) fail("retention", `must not be negative (got ${JSON.stringify(o.retention)})`);
  const removerIntervalMs = optionDuration(o.removerInterval ?? "1h", "apiKeys.removerInterval");
  if (removerIntervalMs < 10) fail("removerInterval", `must be at least 10ms, e.g. "1h" (got ${JSON.stringify(o.removerInterval)})`);
  const secretPrefix = o.secretPrefix ?? DEFAULT_SECRET_PREFIX;
  if (typeof secretPrefix !== "string" || !SECRET_PREFIX_PATTERN.test(secretPrefix)) {
    fail("secretPrefix", `must be 1 to 16 characters of [A-Za-z0-9_-], e.g. "myapp_" (got ${JSON.stringify(o.secretPrefix)})`);
  }
  const upgradeHashes = o.upgradeHashes ?? true;
  if (typeof upgradeHashes !== "boolean") fail("upgradeHashes", `must be true or false (got ${JSON.stringify(upgradeHashes)})`);
  const usageFlushIntervalMs = usageInterval(o.usageFlushInterval);
  return {
    enabled,
    hashAlgorithm,
    cacheTtlMs,
    cacheMaxKeys,
    docCacheTtlMs,
    retentionMs,
    removerIntervalMs,
    secretPrefix,
    upgradeHashes,
    usageFlushIntervalMs,
  };
}
