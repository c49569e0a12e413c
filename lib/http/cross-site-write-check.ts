import type { Request } from "express";
import type { AuthenticatorChain } from "../authc/authenticator-chain.js";
import { forbiddenError, type SecurityError } from "../support/security-error.js";

/** A JSON media type, parameters aside: `application/json` or `application/<anything>+json`. */
const JSON_MEDIA_TYPE = /^application\/(?:json|[^\s/;]+\+json)\s*(?:;|$)/i;
const BASIC_SCHEME = /^basic\s/i;
const REFUSAL = "must have a JSON content type (application/json) or come from the same origin";

/**
 * The refusal of a state-changing request (any method but GET, HEAD and OPTIONS) whose credential
 * the browser may have attached by itself, so that another site's form post could have made it:
 * - a realm declaring `credentialsFromCookies` authenticated it: refused unless it has a JSON
 *   content type (a cross-site page cannot send one without a CORS preflight), or
 *   `Sec-Fetch-Site: same-origin`, or an `Origin` equal to the request's own origin;
 * - it was authenticated by `Authorization: Basic`, which browsers remember after a login prompt
 *   and replay on cross-site form posts: refused when the browser announces another site
 *   (`Sec-Fetch-Site`, `Origin`) and the content type is not JSON. Clients that are not browsers
 *   send neither header and are not affected; `ApiKey` and `Bearer` are never replayed.
 * `undefined` when the request may go on.
 */
export function crossSiteWriteError(req: Request, chain: AuthenticatorChain): SecurityError | undefined {
  const method = req.method;
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return undefined;
  const auth = req.security?.authentication;
  if (!auth || auth.type !== "realm") return undefined;
  const cookies = chain.isCookieAuthenticated(auth);
  if (!cookies && !BASIC_SCHEME.test(req.headers.authorization ?? "")) return undefined;
  const contentType = req.headers["content-type"];
  if (contentType !== undefined && JSON_MEDIA_TYPE.test(contentType)) return undefined;
  const fetchSite = req.headers["sec-fetch-site"];
  if (fetchSite === "same-origin") return undefined;
  const origin = req.headers.origin;
  const sameOrigin = origin !== undefined && origin.toLowerCase() === ownOrigin(req);
  if (sameOrigin) return undefined;
  if (cookies) {
    return forbiddenError(
      `refusing [${method}] request authenticated by the cookies of realm [${auth.authenticationRealm.name}]: a state-changing request authenticated by cookies ${REFUSAL}`,
    );
  }
  const crossSite = origin !== undefined || (fetchSite !== undefined && fetchSite !== "none");
  if (!crossSite) return undefined;
  return forbiddenError(
    `refusing [${method}] request from another site authenticated by Basic credentials a browser may have sent by itself: such a request ${REFUSAL}`,
  );
}

/**
 * `protocol://host[:port]` of the request as Express sees it (`trust proxy` decides), lower case.
 * Express 4's `req.host` drops the port (and is deprecated), so the host is read the way Express 5
 * reads it: `X-Forwarded-Host` from a trusted proxy, else `Host`.
 */
function ownOrigin(req: Request): string | undefined {
  const host = requestHost(req);
  return host === undefined ? undefined : `${req.protocol}://${host}`.toLowerCase();
}

type TrustProxy = (address: string | undefined, hop: number) => boolean;

function requestHost(req: Request): string | undefined {
  const forwarded = req.get("X-Forwarded-Host");
  const trust = req.app.get("trust proxy fn") as TrustProxy | undefined;
  if (forwarded === undefined || forwarded === "" || trust === undefined || !trust(req.socket.remoteAddress, 0)) return req.get("Host");
  const comma = forwarded.indexOf(",");
  return (comma === -1 ? forwarded : forwarded.slice(0, comma)).trim();
}
