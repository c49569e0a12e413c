/**
 * A request's allowance of date arithmetic. A step in an IANA time zone asks `Intl` for the zone's
 * offset two or three times (~20 to 100 µs): without a cap, one 1 MB request made of `now+1d+1d…`
 * terms with a `time_zone` would hold the event loop for seconds. Steps in a fixed offset cost
 * ~0.3 µs and get a larger allowance of their own, so the whole request stays under ~30 ms.
 */
import { illegalArgument } from "../support/security-error.js";

/** Date-math steps in IANA time zones one request may take. */
export const MAX_ZONED_DATE_STEPS = 256;
/** Date-math steps of any kind one request may take. */
export const MAX_DATE_STEPS = 65_536;

export class DateWorkBudget {
  private zoned = 0;
  private all = 0;

  constructor(
    private readonly zonedLimit: number = MAX_ZONED_DATE_STEPS,
    private readonly allLimit: number = MAX_DATE_STEPS,
  ) {}

  /**
   * Takes one step from the allowance.
   * @param zoned whether the step is in an IANA zone (not a fixed offset).
   * @throws SecurityError 400 when the request has used up either allowance.
   */
  spend(zoned: boolean): void {
    if (zoned && ++this.zoned > this.zonedLimit) {
      throw illegalArgument(
        `[query_api_keys] date math in time zones other than a fixed offset is limited to [${this.zonedLimit}] steps per request`,
      );
    }
    if (++this.all > this.allLimit) {
      throw illegalArgument(`[query_api_keys] date math is limited to [${this.allLimit}] steps per request`);
    }
  }
}
