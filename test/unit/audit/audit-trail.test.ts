import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AuditEvent } from "../../../lib/model/audit-event.js";
import { AuditTrail } from "../../../lib/audit/audit-trail.js";

const event: AuditEvent = {
  type: "access_denied",
  timestamp: "2024-01-01T00:00:00.000Z",
  action: "a",
  username: "u",
  roles: [],
  reason: "r",
};

describe("AuditTrail", () => {
  it("without a sink is disabled and never builds an event", () => {
    const trail = new AuditTrail(undefined);
    assert.equal(trail.enabled, false);
    trail.emit(() => assert.fail("built an event nobody receives"));
  });

  it("hands each event to a function, or to a logger's info(event, type)", () => {
    const got: AuditEvent[] = [];
    new AuditTrail((e) => void got.push(e)).emit(() => event);
    assert.deepEqual(got, [event]);
    const lines: Array<[AuditEvent, string | undefined]> = [];
    new AuditTrail({ info: (e, msg) => void lines.push([e, msg]) }).emit(() => event);
    assert.deepEqual(lines, [[event, "access_denied"]]);
  });

  it("never throws: a throwing sink, a rejecting one and a throwing builder are counted", async () => {
    const throwing = new AuditTrail(() => {
      throw new Error("down");
    });
    throwing.emit(() => event);
    throwing.emit(() => {
      throw new Error("builder");
    });
    assert.equal(throwing.failures, 2);
    const rejecting = new AuditTrail(() => Promise.reject(new Error("down")) as unknown as void);
    rejecting.emit(() => event);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(rejecting.failures, 1);
  });
});
