import assert from "node:assert/strict";
import { SecurityError } from "../../lib/support/security-error.js";

/** Asserts that `fn` throws a SecurityError with this status, ES type and reason. */
export function throwsSecurityError(fn: () => unknown, type: string, reason: string | RegExp, status = 400): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof SecurityError, `not a SecurityError: ${String(error)}`);
    assert.equal(error.status, status);
    assert.equal(error.type, type);
    if (typeof reason === "string") assert.equal(error.reason, reason);
    else assert.match(error.reason, reason);
    return true;
  });
}
