import type { Request } from "express";
import type { AuthenticatorChain } from "../authc/authenticator-chain.js";
import { forbiddenError, type SecurityError } from "../support/security-error.js";

/** A JSON media type, parameters aside: `application/json` or `application/<anything>+json`. */
const JSON_MEDIA_TYPE = /^application\/(?:json|[^\s/;]+\+json)\s*(?:;|$)/i;

/**
 * The refusal of a state-changing request (any method but GET, HEAD and OPTIONS) that a realm
 * authenticated from the browser's cookies, unless the request shows it is not a cross-site form
 * post: a JSON content type (a cross-site page cannot send one without a CORS preflight), or
 * `Sec-Fetch-Site: same-origin`, or an `Origin` equal to the request's own origin. `undefined`
 * when the request may go on; requests authenticated by an `Authorization` header always may.
 */
export function crossSiteWriteError(req: Request, chain: AuthenticatorChain): SecurityError | undefined {
  const method = req.method;
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return undefined;
  const auth = req.security?.authentication;
  if (!auth || !chain.isCookieAuthenticated(auth)) return undefined;
  const contentType = req.headers["content-type"];
  if (contentType !== undefined && JSON_MEDIA_TYPE.test(contentType)) return undefined;
  if (req.headers["sec-fetch-site"] === "same-origin") return undefined;
  const origin = req.headers.origin;
  const host = req.host;
  if (origin !== undefined && host !== undefined && origin.toLowerCase() === `${req.protocol}://${host}`.toLowerCase()) return undefined;
  return forbiddenError(
    `refusing [${method}] request authenticated by the cookies of realm [${auth.authenticationRealm.name}]: ` +
      "a state-changing request authenticated by cookies must have a JSON content type (application/json) or come from the same origin",
  );
}
