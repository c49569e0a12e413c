// The `type` values of the errors body-parser (Express's `express.json()`, `express.urlencoded()`,
// `express.text()`, `express.raw()`) passes to `next`, in Express 4 and 5 alike.
const BODY_PARSER_TYPES = new Set([
  "entity.parse.failed",
  "entity.too.large",
  "entity.verify.failed",
  "encoding.unsupported",
  "charset.unsupported",
  "request.aborted",
  "request.size.invalid",
  "stream.encoding.set",
  "stream.not.readable",
  "parameters.too.many",
]);

/**
 * Whether `error` says the request itself could not be read: a request-body error of body-parser
 * (always a 4xx), or Express's 400 for a path parameter that is not valid percent-encoding (a
 * `URIError`, raised while matching routes, before any guard ran).
 */
export function isUnreadableRequestError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { type, status } = error as { type?: unknown; status?: unknown };
  if (error instanceof URIError) return status === 400;
  return typeof type === "string" && BODY_PARSER_TYPES.has(type) && typeof status === "number" && status >= 400 && status < 500;
}
