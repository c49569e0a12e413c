import type { NamedSigningKey, ResolvedTokenConfig, TokenOptions } from "../../model/token-options.js";
import { optionDuration } from "../../support/duration.js";
import { isPlainObject } from "../../support/is-plain-object.js";
import { LEGACY_KEY_ID } from "./signing-key-ring.js";
import { toSigningKey } from "./to-signing-key.js";

const KNOWN = ["enabled", "signingKey", "signingKeys", "accessTokenLifetime", "refreshTokenLifetime"];
const SECOND = 1000;
const HOUR = 3_600_000;
const MAX_REFRESH = 30 * 24 * HOUR;
/** A `kid` travels in every token header: short and printable. */
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

function fail(option: string, message: string): never {
  throw new TypeError(`express-keyguard: option tokens.${option} ${message}`);
}

function namedKey(value: unknown, option: string): NamedSigningKey {
  if (!isPlainObject(value)) fail(option, 'must be an object { id, secret } such as { id: "2026-01", secret: "<64 random bytes>" }');
  for (const key of Object.keys(value))
    if (key !== "id" && key !== "secret") fail(`${option}.${key}`, "is not a key field (known: id, secret)");
  if (typeof value.id !== "string" || !KEY_ID.test(value.id)) {
    fail(`${option}.id`, `must be 1 to 64 characters of A-Z a-z 0-9 . _ - (got ${JSON.stringify(value.id)})`);
  }
  return { id: value.id, key: toSigningKey(value.secret, `tokens.${option}.secret`) };
}

/** `signingKey` (one key, kid {@link LEGACY_KEY_ID}) or `signingKeys`, validated; `undefined` = generated keys. */
function resolveSigningKeys(o: TokenOptions): ResolvedTokenConfig["signingKeys"] {
  if (o.signingKey !== undefined && o.signingKeys !== undefined) fail("signingKeys", "cannot be set together with tokens.signingKey");
  if (o.signingKey !== undefined)
    return { current: { id: LEGACY_KEY_ID, key: toSigningKey(o.signingKey, "tokens.signingKey") }, previous: [] };
  if (o.signingKeys === undefined) return undefined;
  const keys: unknown = o.signingKeys;
  if (!isPlainObject(keys)) fail("signingKeys", "must be an object { current: { id, secret }, previous?: [{ id, secret }, …] }");
  for (const key of Object.keys(keys)) {
    if (key !== "current" && key !== "previous") fail(`signingKeys.${key}`, "is not a signingKeys field (known: current, previous)");
  }
  const current = namedKey(keys.current, "signingKeys.current");
  const list: unknown = keys.previous ?? [];
  if (!Array.isArray(list)) fail("signingKeys.previous", "must be an array of { id, secret }");
  const previous = list.map((entry, i) => namedKey(entry, `signingKeys.previous[${i}]`));
  const seen = new Set<string>();
  for (const { id } of [current, ...previous]) {
    if (seen.has(id)) fail("signingKeys", `has two keys with id ${JSON.stringify(id)}: ids must be unique`);
    seen.add(id);
  }
  return { current, previous };
}

/** Validates `options.tokens` once, with a message naming the option, the value and the fix. */
export function resolveTokenOptions(options: TokenOptions | undefined): ResolvedTokenConfig {
  const o: TokenOptions = options ?? {};
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    throw new TypeError('express-keyguard: option tokens must be an object such as { accessTokenLifetime: "20m" }');
  }
  for (const key of Object.keys(o)) {
    if (!KNOWN.includes(key)) fail(key, `is not a token option (known: ${KNOWN.join(", ")})`);
  }
  const enabled = o.enabled ?? true;
  if (typeof enabled !== "boolean") fail("enabled", `must be true or false (got ${JSON.stringify(enabled)})`);
  const signingKeys = resolveSigningKeys(o);
  // Elasticsearch's xpack.security.authc.token.timeout: 1s to 1h, whole seconds (JWT `exp`).
  const accessTokenLifetimeMs = optionDuration(o.accessTokenLifetime ?? "20m", "tokens.accessTokenLifetime");
  if (accessTokenLifetimeMs < SECOND || accessTokenLifetimeMs > HOUR || accessTokenLifetimeMs % SECOND !== 0) {
    fail(
      "accessTokenLifetime",
      `must be whole seconds from "1s" to "1h", as in Elasticsearch (got ${JSON.stringify(o.accessTokenLifetime)})`,
    );
  }
  const refreshTokenLifetimeMs = optionDuration(o.refreshTokenLifetime ?? "24h", "tokens.refreshTokenLifetime");
  if (refreshTokenLifetimeMs < SECOND || refreshTokenLifetimeMs > MAX_REFRESH) {
    fail("refreshTokenLifetime", `must be from "1s" to "30d" (got ${JSON.stringify(o.refreshTokenLifetime)})`);
  }
  return { enabled, signingKeys, accessTokenLifetimeMs, refreshTokenLifetimeMs };
}
