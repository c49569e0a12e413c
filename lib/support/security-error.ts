/**
 * The one family of request failures. Every error that reaches a client is a `SecurityError`:
 * it knows its HTTP status, its Elasticsearch `type` and `reason`, optional response headers and
 * metadata, and renders itself as Elasticsearch's error body with {@link SecurityError.toJSON}.
 *
 * Developer misuse (bad options, calling before `start()`) throws `TypeError` instead.
 */
export type ErrorMetadata = Record<string, string | string[] | number | boolean>;

export interface SecurityErrorOptions {
  /** Extra HTTP headers, also echoed in the body's `header` object (e.g. WWW-Authenticate). */
  headers?: Record<string, string | string[]>;
  /** Elasticsearch metadata keys (without the `es.` prefix), shown inside `error`. */
  metadata?: ErrorMetadata;
  /** The cause, rendered as `caused_by`. */
  cause?: SecurityError;
}

export interface ElasticsearchErrorCause {
  type: string;
  reason: string;
  header?: Record<string, string | string[]>;
  caused_by?: ElasticsearchErrorCause;
  [metadata: string]: unknown;
}

export interface ElasticsearchErrorBody {
  error: ElasticsearchErrorCause & { root_cause: ElasticsearchErrorCause[] };
  status: number;
}

export class SecurityError extends Error {
  readonly status: number;
  readonly type: string;
  readonly reason: string;
  readonly headers: Record<string, string | string[]>;
  readonly metadata: ErrorMetadata;
  readonly causedBy: SecurityError | undefined;

  constructor(status: number, type: string, reason: string, options: SecurityErrorOptions = {}) {
    super(reason);
    this.name = "SecurityError";
    this.status = status;
    this.type = type;
    this.reason = reason;
    this.headers = options.headers ?? {};
    this.metadata = options.metadata ?? {};
    this.causedBy = options.cause;
  }

  /** The `{type, reason, header?, ...metadata}` object Elasticsearch uses for a cause. */
  toCause(): ElasticsearchErrorCause {
    const cause: ElasticsearchErrorCause = { type: this.type, reason: this.reason };
    for (const [key, value] of Object.entries(this.metadata)) cause[key] = value;
    if (Object.keys(this.headers).length > 0) cause.header = { ...this.headers };
    return cause;
  }

  /** Elasticsearch's error body: `{error: {root_cause, type, reason, ...}, status}`. */
  toJSON(): ElasticsearchErrorBody {
    const cause = this.toCause();
    const body: ElasticsearchErrorBody["error"] = { root_cause: [this.toCause()], ...cause };
    if (this.causedBy) body.caused_by = this.causedBy.toCause();
    return { error: body, status: this.status };
  }
}

/** The three challenges Elasticsearch sends with every 401. */
export const WWW_AUTHENTICATE_CHALLENGES = ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', "ApiKey"];

export function authenticationError(reason: string, metadata?: ErrorMetadata, cause?: SecurityError): SecurityError {
  return new SecurityError(401, "security_exception", reason, {
    headers: { "WWW-Authenticate": [...WWW_AUTHENTICATE_CHALLENGES] },
    ...(metadata ? { metadata } : {}),
    ...(cause ? { cause } : {}),
  });
}

export function forbiddenError(reason: string): SecurityError {
  return new SecurityError(403, "security_exception", reason);
}

/** `Validation Failed: 1: a;2: b;` — Elasticsearch's aggregated validation message. */
export function validationError(messages: string | string[]): SecurityError {
  const list = Array.isArray(messages) ? messages : [messages];
  const reason = "Validation Failed: " + list.map((m, i) => `${i + 1}: ${m};`).join("");
  return new SecurityError(400, "action_request_validation_exception", reason);
}

export function illegalArgument(reason: string): SecurityError {
  return new SecurityError(400, "illegal_argument_exception", reason);
}

export function parseError(reason: string): SecurityError {
  return new SecurityError(400, "parse_exception", reason);
}

export function xContentParseError(reason: string): SecurityError {
  return new SecurityError(400, "x_content_parse_exception", reason);
}

export function notFoundError(reason: string): SecurityError {
  return new SecurityError(404, "resource_not_found_exception", reason);
}

/** The database is unreachable or too slow: fail closed. */
export function unavailableError(reason = "security index is unavailable"): SecurityError {
  return new SecurityError(503, "status_exception", reason);
}

export function tooManyRequestsError(reason: string, retryAfterSeconds: number): SecurityError {
  return new SecurityError(429, "status_exception", reason, {
    headers: { "Retry-After": String(retryAfterSeconds) },
  });
}

export function isSecurityError(value: unknown): value is SecurityError {
  return value instanceof SecurityError;
}

/** The security layer did not finish within `storeTimeout` (MongoDB stalled or unreachable): fail closed. */
export function storeTimeoutError(ms: number): SecurityError {
  return unavailableError(`security index is unavailable: the request did not complete within [${ms}ms]`);
}
