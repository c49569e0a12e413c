import { availableParallelism } from "node:os";
import { resolveApiKeyOptions } from "../authc/api-key/resolve-api-key-options.js";
import { resolveTokenOptions } from "../authc/token/resolve-token-options.js";
import { parseRoleDescriptor } from "../authz/parse-role-descriptor.js";
import type { RoleDescriptor } from "../model/role-descriptor.js";
import { optionDuration } from "../support/duration.js";
import { reportToStderr } from "../support/report-to-stderr.js";
import { safely } from "../support/safely.js";
import type { ResolvedConfig, SecurityOptions } from "../model/security-options.js";

const KNOWN = new Set([
  "connection",
  "collectionPrefix",
  "bootstrapPassword",
  "nativeRealmName",
  "realms",
  "roles",
  "anonymous",
  "runAs",
  "passwordHashCost",
  "hashWorkers",
  "credentialCacheTtl",
  "credentialCacheMaxUsers",
  "roleCacheTtl",
  "eventsPollInterval",
  "failureRateLimit",
  "bodyLimit",
  "elasticProductHeader",
  "apiKeys",
  "storeTimeout",
  "audit",
  "onInternalError",
  "tokens",
]);

function fail(option: string, message: string): never {
  throw new TypeError(`express-keyguard: option ${option} ${message}`);
}

function integer(value: unknown, option: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(option, `must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** Validates options once, at construction, with a message naming the option and the fix. */
export function resolveOptions(options: SecurityOptions): ResolvedConfig {
  if (typeof options !== "object" || options === null)
    throw new TypeError("express-keyguard: createSecurity(options) needs an options object with at least { connection }");
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) fail(key, `is not an option of createSecurity (known: ${[...KNOWN].join(", ")})`);
  }
  const connection = options.connection as unknown;
  if (typeof connection !== "object" || connection === null || typeof (connection as { model?: unknown }).model !== "function") {
    fail("connection", "must be a mongoose Connection, e.g. mongoose.connection or mongoose.createConnection(uri)");
  }
  const prefix = options.collectionPrefix ?? "security_";
  if (typeof prefix !== "string" || !/^[A-Za-z0-9_.-]{0,64}$/.test(prefix))
    fail("collectionPrefix", `must be up to 64 letters, digits, "_", "-" or "." (got ${JSON.stringify(prefix)})`);
  const bootstrap = options.bootstrapPassword;
  if (bootstrap !== undefined && (typeof bootstrap !== "string" || bootstrap.length < 6))
    fail("bootstrapPassword", "must be a string of at least 6 characters");
  const nativeRealmName = options.nativeRealmName ?? "native";
  if (typeof nativeRealmName !== "string" || nativeRealmName === "" || nativeRealmName.startsWith("_")) {
    fail("nativeRealmName", 'must be a non-empty string not starting with "_" (reserved for built-in realms)');
  }

  const realms = options.realms ?? [];
  if (!Array.isArray(realms)) fail("realms", "must be an array of realms ({ name, type, authenticate(input), lookup?(username) })");
  const names = new Set([nativeRealmName]);
  realms.forEach((realm, i) => {
    if (
      typeof realm !== "object" ||
      realm === null ||
      typeof realm.name !== "string" ||
      typeof realm.type !== "string" ||
      typeof realm.authenticate !== "function"
    ) {
      fail(`realms[${i}]`, "must be an object with string name and type and an authenticate(input) function");
    }
    if (names.has(realm.name)) fail(`realms[${i}].name`, `duplicates the realm name "${realm.name}"`);
    // `_es_api_key` and `__anonymous` name the API-key and anonymous subjects: a realm of that
    // name would make its users indistinguishable from them wherever ownership is decided.
    if (realm.name === "" || realm.name.startsWith("_"))
      fail(`realms[${i}].name`, `must be non-empty and must not start with "_" (reserved for built-in realms), got "${realm.name}"`);
    if (realm.credentialsFromCookies !== undefined && typeof realm.credentialsFromCookies !== "boolean")
      fail(`realms[${i}].credentialsFromCookies`, "must be a boolean");
    names.add(realm.name);
  });

  const staticRoles = new Map<string, RoleDescriptor>();
  for (const [name, descriptor] of Object.entries(options.roles ?? {})) {
    try {
      staticRoles.set(name, parseRoleDescriptor(name, descriptor));
    } catch (error) {
      fail(`roles.${name}`, `is not a valid role descriptor: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  let anonymous: ResolvedConfig["anonymous"];
  if (options.anonymous !== undefined) {
    const a = options.anonymous;
    if (typeof a !== "object" || a === null || !Array.isArray(a.roles) || a.roles.some((r) => typeof r !== "string"))
      fail("anonymous", "must be { username?: string, roles: string[] }");
    anonymous = { username: a.username ?? "_anonymous", roles: [...a.roles] };
  }

  let failureRateLimit: ResolvedConfig["failureRateLimit"];
  if (options.failureRateLimit !== false) {
    const f = options.failureRateLimit ?? {};
    const shape = "must be false or { limit?: number, window?: duration, address?: { limit?: number, window?: duration } }";
    if (typeof f !== "object" || f === null) fail("failureRateLimit", shape);
    for (const key of Object.keys(f))
      if (key !== "limit" && key !== "window" && key !== "address") fail(`failureRateLimit.${key}`, `is not an option (${shape})`);
    const a = f.address ?? {};
    if (typeof a !== "object" || a === null) fail("failureRateLimit.address", "must be { limit?: number, window?: duration }");
    for (const key of Object.keys(a))
      if (key !== "limit" && key !== "window")
        fail(`failureRateLimit.address.${key}`, "is not an option (must be { limit?: number, window?: duration })");
    const limit = integer(f.limit, "failureRateLimit.limit", 1, 1_000_000, 10);
    const windowMs = optionDuration(f.window ?? "15m", "failureRateLimit.window");
    if (windowMs <= 0) fail("failureRateLimit.window", "must be positive");
    const addressLimit = integer(a.limit, "failureRateLimit.address.limit", 1, 100_000_000, Math.max(200, limit));
    if (addressLimit < limit)
      fail(
        "failureRateLimit.address.limit",
        `must be at least failureRateLimit.limit (${limit}): the address ceiling is meant to be the higher one`,
      );
    const addressWindowMs = a.window === undefined ? windowMs : optionDuration(a.window, "failureRateLimit.address.window");
    if (addressWindowMs <= 0) fail("failureRateLimit.address.window", "must be positive");
    failureRateLimit = { limit, windowMs, addressLimit, addressWindowMs };
  }

  const bodyLimit = options.bodyLimit ?? "1mb";
  if (typeof bodyLimit !== "string" && typeof bodyLimit !== "number")
    fail("bodyLimit", 'must be a size such as "1mb" or a number of bytes');

  const storeTimeoutMs = optionDuration(options.storeTimeout ?? "10s", "storeTimeout");
  if (storeTimeoutMs < 0) fail("storeTimeout", `must not be negative, e.g. "5s" (got ${JSON.stringify(options.storeTimeout)})`);
  const audit = options.audit as unknown;
  if (
    audit !== undefined &&
    typeof audit !== "function" &&
    (typeof audit !== "object" || audit === null || typeof (audit as { info?: unknown }).info !== "function")
  ) {
    fail("audit", "must be a function (event) => void or a logger with an info(event) method, such as pino()");
  }

  if (options.onInternalError !== undefined && typeof options.onInternalError !== "function") {
    fail("onInternalError", "must be a function (error, { method, path }) => void");
  }

  const cores = availableParallelism();
  return {
    connection: options.connection,
    collectionPrefix: prefix,
    bootstrapPassword: bootstrap,
    nativeRealmName,
    realms,
    staticRoles,
    anonymous,
    runAs: options.runAs ?? true,
    passwordHashCost: integer(options.passwordHashCost, "passwordHashCost", 4, 31, 10),
    hashWorkers: integer(options.hashWorkers, "hashWorkers", 1, 64, cores >= 4 ? 2 : 1),
    credentialCacheTtlMs: optionDuration(options.credentialCacheTtl ?? "20m", "credentialCacheTtl"),
    credentialCacheMaxUsers: integer(options.credentialCacheMaxUsers, "credentialCacheMaxUsers", 0, 10_000_000, 100_000),
    roleCacheTtlMs: optionDuration(options.roleCacheTtl ?? "5m", "roleCacheTtl"),
    eventsPollIntervalMs: Math.max(50, optionDuration(options.eventsPollInterval ?? "1s", "eventsPollInterval")),
    failureRateLimit,
    bodyLimit,
    elasticProductHeader: options.elasticProductHeader ?? true,
    apiKeys: resolveApiKeyOptions(options.apiKeys),
    storeTimeoutMs,
    audit: options.audit,
    onInternalError: safely(options.onInternalError ?? reportToStderr),
    tokens: resolveTokenOptions(options.tokens),
  };
}
