import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ApiKeyInfo } from "../../../lib/admin-ui/api-types.js";
import { displayName, keyDetailsJson, keyStatus, metadataSummary, shorten } from "../../../lib/admin-ui/key-presentation.js";

function key(overrides: Partial<ApiKeyInfo>): ApiKeyInfo {
  return { id: "k1", name: "k", username: "ann", realm: "native", creation: 0, invalidated: false, ...overrides };
}

describe("admin UI: how a key is shown", () => {
  it("derives the status from invalidation first, then expiration", () => {
    assert.equal(keyStatus(key({}), 1000), "active");
    assert.equal(keyStatus(key({ expiration: 1001 }), 1000), "active");
    assert.equal(keyStatus(key({ expiration: 1000 }), 1000), "expired");
    assert.equal(keyStatus(key({ expiration: 10, invalidated: true }), 1000), "invalidated");
    assert.equal(keyStatus(key({ expiration: null }), 1000), "active");
  });

  it("names an unnamed key by its id", () => {
    assert.equal(displayName(key({ name: "deploy" })), "deploy");
    for (const name of [null, undefined, ""]) assert.equal(displayName(key({ name })), "(unnamed key k1)");
  });

  it("summarizes at most three metadata entries, each cut short", () => {
    assert.equal(metadataSummary(undefined), "");
    assert.equal(metadataSummary({}), "");
    assert.equal(metadataSummary({ purpose: "alerts", tier: 2, tags: ["a"] }), 'purpose: alerts, tier: 2, tags: ["a"]');
    assert.equal(metadataSummary({ a: 1, b: 2, c: 3, d: 4, e: 5 }), "a: 1, b: 2, c: 3, +2 more");
    assert.equal(metadataSummary({ note: "x".repeat(30) }), "note: " + "x".repeat(23) + "\u2026");
    assert.equal(shorten("abc", 3), "abc");
    assert.equal(shorten("abcd", 3), "ab\u2026");
  });

  it("details hold metadata and role descriptors, empty objects when absent", () => {
    assert.deepEqual(JSON.parse(keyDetailsJson(key({ metadata: { a: 1 } }))), { metadata: { a: 1 }, role_descriptors: {} });
  });
});
