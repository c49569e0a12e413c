import assert from "node:assert/strict";
import { describe, it } from "node:test";
import mongoose from "mongoose";
import { startTestApp } from "../../support/test-app.js";
import { openTestDatabase } from "../../support/test-database.js";

describe("brute-force protection and database outages", () => {
  it("answers 429 with Retry-After after too many failed attempts, shared through MongoDB", async () => {
    const db = await openTestDatabase("ratelimit");
    const a = await startTestApp("ratelimit", { failureRateLimit: { limit: 3, window: "1m" } }, undefined, db);
    const b = await startTestApp("ratelimit", { failureRateLimit: { limit: 3, window: "1m" } }, undefined, db);
    try {
      const bad = { auth: { user: "elastic", password: "wrong-password" } };
      assert.equal((await a.request("GET", "/_security/_authenticate", bad)).status, 401);
      assert.equal((await b.request("GET", "/_security/_authenticate", bad)).status, 401);
      assert.equal((await a.request("GET", "/_security/_authenticate", bad)).status, 401);
      // The fourth failure, counted on the other instance, crosses the shared limit.
      const limited = await b.request("GET", "/_security/_authenticate", bad);
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get("retry-after")) >= 1);
      assert.equal(limited.body.status, 429);
      assert.match(limited.body.error.reason, /too many failed authentication attempts/);
      // Once blocked, even good credentials wait: the point is to stop guessing.
      assert.equal(
        (await b.request("GET", "/_security/_authenticate", { auth: { user: "elastic", password: "admin-password" } })).status,
        429,
      );
      // Instance A learnt the shared count (3, the limit) at its own last failure: it refuses too.
      assert.equal(
        (await a.request("GET", "/_security/_authenticate", { auth: { user: "elastic", password: "admin-password" } })).status,
        429,
      );
      assert.equal((await a.request("GET", "/_security/_authenticate", bad)).status, 429);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });

  it("fails closed with a 503 when MongoDB cannot be reached", async () => {
    const db = await openTestDatabase("outage");
    // The security layer gets its own connection, so the test can cut it and still clean up.
    const connection = await mongoose.createConnection(db.uri, { serverSelectionTimeoutMS: 2000 }).asPromise();
    const t = await startTestApp("outage", { failureRateLimit: false }, undefined, {
      connection,
      uri: db.uri,
      drop: async () => undefined,
    });
    try {
      await t.admin("PUT", "/_security/user/u1", { password: "u1-password", roles: [] });
      await connection.close(true);
      const started = Date.now();
      const res = await t.request("GET", "/_security/_authenticate", { auth: { user: "someone", password: "not-cached" } });
      assert.equal(res.status, 503);
      assert.equal(res.body.error.type, "status_exception");
      assert.ok(Date.now() - started < 3000, "fails fast instead of hanging");
      assert.doesNotMatch(JSON.stringify(res.body), /at .*\.js:\d+/, "no stack trace in the response");
      // The admin's credentials are cached, so the request reaches the store and must not succeed.
      const write = await t.request("PUT", "/_security/user/u2", {
        auth: { user: "elastic", password: "admin-password" },
        body: { password: "u2-password" },
      });
      assert.equal(write.status, 503);
    } finally {
      await t.close();
      await db.drop();
    }
  });
});
