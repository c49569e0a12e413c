import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeApiError } from "../../../lib/admin-ui/describe-api-error.js";

describe("admin UI: error messages from the API", () => {
  it("uses Elasticsearch's reason, adding the reasons of its causes that say more", () => {
    const body = {
      error: {
        type: "illegal_argument_exception",
        reason: "failed to parse role descriptors",
        caused_by: { type: "x", reason: "unknown field [clusters]", caused_by: { type: "y", reason: "unknown field [clusters]" } },
      },
      status: 400,
    };
    assert.equal(describeApiError(400, body, null), "failed to parse role descriptors: unknown field [clusters]");
  });

  it("stops following a cause chain after five levels", () => {
    let cause: Record<string, unknown> = { reason: "r7" };
    for (let i = 6; i >= 1; i--) cause = { reason: `r${i}`, caused_by: cause };
    assert.equal(describeApiError(500, { error: cause }, null), "r1: r2: r3: r4: r5: r6");
  });

  it("falls back to the error type, a plain string error, then the status", () => {
    assert.equal(describeApiError(403, { error: { type: "security_exception" } }, null), "security_exception");
    assert.equal(describeApiError(400, { error: "bad request" }, null), "bad request");
    assert.equal(describeApiError(502, null, null), "The server answered with status 502.");
    assert.equal(describeApiError(500, "<html>", null), "The server answered with status 500.");
  });

  it("tells when to retry after too many failed attempts", () => {
    assert.equal(
      describeApiError(429, { error: { reason: "ignored" } }, "30"),
      "Too many failed attempts from this address. Try again in 30 seconds.",
    );
    assert.equal(describeApiError(429, null, null), "Too many failed attempts from this address. Try again later.");
  });
});
