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

/** Whether `error` is a request-body error of body-parser (always a 4xx, never the server's fault). */
export function isBodyParserError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { type, status } = error as { type?: unknown; status?: unknown };
  return typeof type === "string" && BODY_PARSER_TYPES.has(type) && typeof status === "number" && status >= 400 && status < 500;
}
