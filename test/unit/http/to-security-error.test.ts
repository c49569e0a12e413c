import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toSecurityError } from "../../../lib/http/to-security-error.js";

function named(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error("internal detail /srv/app/db.js:12"), { name, ...extra });
}

describe("toSecurityError", () => {
  it("maps every way the store can be away to a 503 status_exception (fail closed)", () => {
    const away = [
      named("MongoNetworkError"),
      named("MongoServerSelectionError"),
      named("MongoPoolClearedError"),
      named("PoolClearedOnNetworkError"),
      named("MongoClientClosedError"),
      named("MongoServerClosedError"),
      named("MongoWaitQueueTimeoutError"),
      named("MongoServerError", { code: 11600 }),
      named("MongoServerError", { code: 91 }),
      named("MongoServerError", { code: 50 }),
      named("MongoWriteConcernError", { code: 10107 }),
      named("MongoServerError", { code: 999, errorLabelSet: new Set(["RetryableWriteError"]) }),
      // The driver lets a raw socket error through when the server dies mid-write.
      named("Error", { code: "EPIPE" }),
      named("Error", { code: "ECONNRESET" }),
    ];
    for (const error of away) {
      const e = toSecurityError(error);
      assert.equal(e.status, 503, `${error.name} ${String((error as { code?: unknown }).code)}`);
      assert.equal(e.type, "status_exception");
      assert.doesNotMatch(e.reason, /internal detail|\.js:/);
    }
  });

  it("a value the server cannot store is the request's 400, anything else an opaque 500", () => {
    assert.equal(toSecurityError(named("MongoServerError", { code: 2 })).status, 400);
    const unknown = toSecurityError(named("MongoServerError", { code: 11000 }));
    assert.equal(unknown.status, 500);
    assert.equal(unknown.reason, "internal server error");
    assert.equal(toSecurityError(new RangeError("Maximum call stack size exceeded")).status, 500);
  });

  it("body-parser failures keep their 4xx", () => {
    assert.equal(toSecurityError(Object.assign(new Error("x"), { type: "entity.too.large", status: 413 })).status, 413);
    assert.equal(toSecurityError(Object.assign(new Error("x"), { type: "entity.parse.failed", status: 400 })).status, 400);
  });
});
