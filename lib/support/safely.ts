import type { InternalErrorReport } from "../model/internal-error-report.js";

/** Calls `report`, which must never break the response already being sent. */
export function safely(report: InternalErrorReport): InternalErrorReport {
  return (error, request) => {
    try {
      report(error, request);
    } catch {
      // A broken report hook is the app's problem; the 500 still goes out.
    }
  };
}
