import type { InternalErrorRequest } from "../model/internal-error-report.js";

/**
 * The default report: one line on stderr with the error's name, code and stack frames, but not its
 * message, which may quote request data (a value that failed a cast, a duplicate key) and so
 * possibly a secret. An app that wants the whole error passes its own `onInternalError`.
 */
export function reportToStderr(error: unknown, request: InternalErrorRequest): void {
  const e = (typeof error === "object" && error !== null ? error : {}) as { name?: unknown; code?: unknown; stack?: unknown };
  const name = typeof e.name === "string" ? e.name : typeof error;
  const code = typeof e.code === "string" || typeof e.code === "number" ? ` (code ${e.code})` : "";
  const frames =
    typeof e.stack === "string"
      ? e.stack
          .split("\n")
          .filter((line) => /^\s+at /.test(line))
          .join("\n")
      : "";
  process.stderr.write(
    `express-keyguard: internal error answering ${request.method} ${request.path}: ${name}${code}\n${frames ? frames + "\n" : ""}`,
  );
}
