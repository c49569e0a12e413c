import type { ResolvedTokenConfig, TokenOptions } from "../../model/token-options.js";
import { optionDuration } from "../../support/duration.js";
import { toSigningKey } from "./jwt-signing-key.js";

const KNOWN = ["enabled", "signingKey", "accessTokenLifetime", "refreshTokenLifetime"];
const SECOND = 1000;
const HOUR = 3_600_000;
const MAX_REFRESH = 30 * 24 * HOUR;

function fail(option: string, message: string): never {
  throw new TypeError(`express-keyguard: option tokens.${option} ${message}`);
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
  const signingKey = o.signingKey === undefined ? undefined : toSigningKey(o.signingKey, "tokens.signingKey");
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
  return { enabled, signingKey, accessTokenLifetimeMs, refreshTokenLifetimeMs };
}
