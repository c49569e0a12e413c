import { SecurityError } from "../../support/security-error.js";

/**
 * A stored authentication record that is not one `captureAuthentication` could have produced
 * (wrong shape, unknown version, unexpected fields). Records come back from the host app's
 * database, so they are treated as untrusted input: a 400, never a 500.
 */
export class InvalidAuthenticationRecordError extends SecurityError {
  /** Stable, machine-readable identifier of this failure. */
  static readonly code = "ERR_KEYGUARD_INVALID_AUTHENTICATION_RECORD";
  readonly code = InvalidAuthenticationRecordError.code;

  constructor(reason: string) {
    super(400, "illegal_argument_exception", `invalid authentication record: ${reason}`);
    this.name = "InvalidAuthenticationRecordError";
  }
}
