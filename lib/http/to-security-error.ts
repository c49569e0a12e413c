import { SecurityError, unavailableError } from "../support/security-error.js";

// Errors of the driver and of mongoose that mean "the database cannot be reached now".
// (Subclasses keep their own names, e.g. the pool's `PoolClearedOnNetworkError`.)
const UNAVAILABLE =
  /^(MongoNetworkError|MongoNetworkTimeoutError|MongoServerSelectionError|MongooseServerSelectionError|MongoNotConnectedError|MongoTopologyClosedError|MongoPoolClearedError|PoolClearedError|PoolClearedOnNetworkError|MongoExpiredSessionError|MongoClientClosedError|MongoServerClosedError|MongoWaitQueueTimeoutError|WaitQueueTimeoutError|MongoOperationTimeoutError)$/;
// Server replies that mean "not now" rather than "not this": shutting down, stepping down,
// unreachable, out of time (HostUnreachable, HostNotFound, MaxTimeMSExpired, NetworkTimeout,
// ShutdownInProgress, PrimarySteppedDown, ExceededTimeLimit, SocketException, NotWritablePrimary,
// InterruptedAtShutdown, InterruptedDueToReplStateChange, NotPrimaryNoSecondaryOk,
// NotPrimaryOrSecondary).
const UNAVAILABLE_CODES = new Set([6, 7, 50, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
/** Driver error labels of failures worth retrying later: the store, not the request, failed. */
const UNAVAILABLE_LABELS = ["RetryableWriteError", "ResetPool", "SystemOverloadedError"];

// Socket errors the driver can let through unwrapped when the server goes away mid-write (seen:
// a plain `Error` with code EPIPE from `Connection.writeCommand`). Requests open no other socket
// than the store's, so here they always mean "the store cannot be reached".
const SOCKET_CODES = new Set([
  "EPIPE",
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ENOTCONN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

function hasLabel(error: object, labels: readonly string[]): boolean {
  const set = (error as { errorLabelSet?: unknown }).errorLabelSet;
  return set instanceof Set && labels.some((label) => set.has(label));
}

// MongoDB's `BadValue`: the server refused a value of the command itself. Every value this library
// sends was validated, so what remains is data some MongoDB-compatible servers cannot store
// (FerretDB: nested arrays, keys containing `.`): the request's fault, never a 500.
const BAD_VALUE = 2;
const MONGO_ERROR = /^Mongo(?:Server|BulkWrite|WriteConcern)Error$/;

interface HttpLikeError {
  code?: unknown;
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
  const unavailableReply = MONGO_ERROR.test(name) && typeof e.code === "number" && UNAVAILABLE_CODES.has(e.code);
  if (
    UNAVAILABLE.test(name) ||
    unavailableReply ||
    (/^Mongo/.test(name) && hasLabel(e, UNAVAILABLE_LABELS)) ||
    (typeof e.code === "string" && SOCKET_CODES.has(e.code)) ||
    (name === "MongooseError" &&
      /initial connection|bufferCommands|client was closed|not connected|force closed|connection closed/i.test(message))
  ) {
    return unavailableError("security index is unavailable: the security store cannot be reached");
  }
  if (MONGO_ERROR.test(name) && e.code === BAD_VALUE) {
    return new SecurityError(
      400,
      "illegal_argument_exception",
      "the security store cannot store a value of this request (for example nested arrays, or object keys containing [.])",
    );
  }
  if (e.type === "entity.too.large") return new SecurityError(413, "content_too_long_exception", "request body is too large");
  if (e.type === "entity.parse.failed")
    return new SecurityError(400, "x_content_parse_exception", "failed to parse the request body as JSON");
  if (e.type === "encoding.unsupported" || e.type === "charset.unsupported")
    return new SecurityError(415, "illegal_argument_exception", "unsupported request body encoding");
  if (typeof e.status === "number" && e.status >= 400 && e.status < 500) {
    return new SecurityError(e.status, "illegal_argument_exception", "invalid request");
  }
  return new SecurityError(500, "exception", "internal server error");
}
