import { SecurityError, unavailableError } from "../support/security-error.js";

// Errors of the driver and of mongoose that mean "the database cannot be reached now".
const UNAVAILABLE = /^(MongoNetworkError|MongoNetworkTimeoutError|MongoServerSelectionError|MongooseServerSelectionError|MongoNotConnectedError|MongoTopologyClosedError|MongoPoolClearedError|MongoExpiredSessionError)$/;

interface HttpLikeError {
  status?: unknown;
  type?: unknown;
  name?: unknown;
  message?: unknown;
}

/**
 * Maps anything thrown while serving a request to a {@link SecurityError}: a database outage is
 * a 503 (fail closed), body-parser failures are 400/413, and anything unexpected is a 500 that
 * reveals nothing about the internals.
 */
export function toSecurityError(error: unknown): SecurityError {
  if (error instanceof SecurityError) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as HttpLikeError;
  const name = typeof e.name === "string" ? e.name : "";
  const message = typeof e.message === "string" ? e.message : "";
  if (UNAVAILABLE.test(name) || (name === "MongooseError" && /initial connection|bufferCommands|client was closed|not connected|force closed|connection closed/i.test(message))) {
    return unavailableError("security index is unavailable: the security store cannot be reached");
  }
  if (e.type === "entity.too.large") return new SecurityError(413, "content_too_long_exception", "request body is too large");
  if (e.type === "entity.parse.failed") return new SecurityError(400, "x_content_parse_exception", "failed to parse the request body as JSON");
  if (e.type === "encoding.unsupported" || e.type === "charset.unsupported") return new SecurityError(415, "illegal_argument_exception", "unsupported request body encoding");
  if (typeof e.status === "number" && e.status >= 400 && e.status < 500) {
    return new SecurityError(e.status, "illegal_argument_exception", "invalid request");
  }
  return new SecurityError(500, "exception", "internal server error");
}
