/**
 * A request's allowance of date arithmetic in IANA time zones. Each such step asks `Intl` for the
 * zone's offset two or three times (~10 µs): without a cap, one 1 MB request made of `now+1d+1d…`
 * terms with a `time_zone` would hold the event loop for seconds. Fixed offsets cost nothing here.
 */
import { illegalArgument } from "../support/security-error.js";

/** Zoned date-math steps one request may take (~20 to 100 µs each, so at most ~25 ms in all). */
export const MAX_ZONED_DATE_STEPS = 256;

export class DateWorkBudget {
  private remaining: number;

  constructor(private readonly limit: number = MAX_ZONED_DATE_STEPS) {
    this.remaining = limit;
  }

  /**
   * Takes `steps` from the allowance.
   * @throws SecurityError 400 when the request has used it up.
   */
  spend(steps: number): void {
    this.remaining -= steps;
    if (this.remaining < 0) {
      throw illegalArgument(
        `[query_api_keys] date math in time zones other than a fixed offset is limited to [${this.limit}] steps per request`,
      );
    }
  }
}
