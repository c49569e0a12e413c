import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import mongoose from "mongoose";
import { ApiKeyUsageRecorder } from "../../../../lib/authc/api-key/api-key-usage-recorder.js";
import { resolveApiKeyOptions } from "../../../../lib/authc/api-key/resolve-api-key-options.js";
import { ApiKeyUsageStore, USAGE_FLUSH_LEASE } from "../../../../lib/store/api-key-usage-store.js";
import { LeaseStore } from "../../../../lib/store/lease-store.js";
import { createModels, ensureIndexes, type SecurityModels } from "../../../../lib/store/models.js";
import type { ApiKeyUsageDoc } from "../../../../lib/store/store-documents.js";
import { StoreTimeLimit } from "../../../../lib/store/store-time-limit.js";
import { openTestDatabase, type TestDatabase } from "../../../support/test-database.js";

const T0 = 1_700_000_000_000;

describe("ApiKeyUsageRecorder (real database)", () => {
  let db: TestDatabase;
  let models: SecurityModels;
  let store: ApiKeyUsageStore;
  let leases: LeaseStore;
  const stored = async (id: string) => models.apiKeyUsage.findById(id).lean<ApiKeyUsageDoc>().exec();

  before(async () => {
    db = await openTestDatabase("usage_recorder");
    models = createModels(db.connection, "security_", new StoreTimeLimit(10_000));
    await ensureIndexes(models);
    leases = new LeaseStore(models.leases);
    store = new ApiKeyUsageStore(models.apiKeyUsage, leases);
  });
  after(async () => {
    await db.drop();
  });

  it("merges uses of a key in memory: the latest time, and a count", () => {
    const recorder = new ApiKeyUsageRecorder(store, { intervalMs: 60_000 });
    recorder.record("k", T0 + 5);
    recorder.record("k", T0 + 2);
    recorder.record("k", T0 + 9);
    recorder.record("other", T0 + 1);
    assert.deepEqual(recorder.pendingFor("k"), { lastUsed: T0 + 9, count: 3 });
    assert.deepEqual(recorder.pendingFor("other"), { lastUsed: T0 + 1, count: 1 });
    assert.equal(recorder.pendingFor("never"), undefined);
    assert.equal(recorder.pendingKeys, 2);
  });

  it("flushes in bulk, and flushes combine as max of last_used and sum of counts", async () => {
    const one = new ApiKeyUsageRecorder(store, { intervalMs: 60_000 });
    const two = new ApiKeyUsageRecorder(store, { intervalMs: 60_000 });
    for (let i = 0; i < 4; i++) one.record("merge-a", T0 + 100 + i);
    one.record("merge-b", T0 + 50);
    for (let i = 0; i < 3; i++) two.record("merge-a", T0 + 10 + i);
    two.record("merge-b", T0 + 70);
    // Both at once: the flush lease makes them take turns (FerretDB's $inc is not atomic).
    await Promise.all([one.flush(), two.flush()]);
    assert.equal(one.pendingKeys + two.pendingKeys, 0);
    assert.equal(one.lastError, undefined);
    assert.deepEqual(await stored("merge-a"), { _id: "merge-a", last_used: T0 + 103, use_count: 7 });
    assert.deepEqual(await stored("merge-b"), { _id: "merge-b", last_used: T0 + 70, use_count: 2 });
    // An older use flushed later never moves last_used back.
    one.record("merge-a", T0 + 1);
    await one.flush();
    assert.deepEqual(await stored("merge-a"), { _id: "merge-a", last_used: T0 + 103, use_count: 8 });
    assert.equal(await leases.get(USAGE_FLUSH_LEASE), null, "the flush lease is dropped after each write");
  });

  it("caps the keys it holds: new keys beyond the cap are dropped, pending keys keep counting", () => {
    const recorder = new ApiKeyUsageRecorder(store, { intervalMs: 60_000, maxPending: 3 });
    for (const id of ["c1", "c2", "c3", "c4", "c5"]) recorder.record(id, T0);
    recorder.record("c1", T0 + 1);
    assert.equal(recorder.pendingKeys, 3);
    assert.equal(recorder.dropped, 2);
    assert.deepEqual(recorder.pendingFor("c1"), { lastUsed: T0 + 1, count: 2 });
    assert.equal(recorder.pendingFor("c4"), undefined);
  });

  it("keeps what a failed flush could not write, merges it with newer uses, and writes it later", async () => {
    const connection = await mongoose.createConnection(db.uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
    try {
      const own = createModels(connection, "security_", new StoreTimeLimit(10_000));
      const recorder = new ApiKeyUsageRecorder(new ApiKeyUsageStore(own.apiKeyUsage, new LeaseStore(own.leases)), { intervalMs: 60_000 });
      recorder.record("down", T0 + 10);
      recorder.record("down", T0 + 11);
      await connection.close(); // the database is gone for this instance
      await recorder.flush(); // never rejects
      assert.ok(recorder.lastError !== undefined, "the failure is kept for monitoring");
      assert.deepEqual(recorder.pendingFor("down"), { lastUsed: T0 + 11, count: 2 }, "nothing lost");
      recorder.record("down", T0 + 5);
      await recorder.flush();
      assert.deepEqual(recorder.pendingFor("down"), { lastUsed: T0 + 11, count: 3 }, "merged with the use recorded meanwhile");
      assert.equal(await stored("down"), null);

      await connection.openUri(db.uri, { serverSelectionTimeoutMS: 5000 });
      await recorder.flush();
      assert.equal(recorder.lastError, undefined);
      assert.equal(recorder.pendingKeys, 0);
      assert.deepEqual(await stored("down"), { _id: "down", last_used: T0 + 11, use_count: 3 });
    } finally {
      await connection.close();
    }
  });

  it("keeps its data when another instance holds the flush lease past the wait, and merges uses made meanwhile", async () => {
    const recorder = new ApiKeyUsageRecorder(store, { intervalMs: 60_000, leaseWaitMs: 300 });
    const now = Date.now();
    assert.equal(await leases.acquire(USAGE_FLUSH_LEASE, "someone-else", now, now + 60_000), true);
    try {
      recorder.record("busy", T0 + 1);
      const flushing = recorder.flush();
      await new Promise((resolve) => setTimeout(resolve, 100));
      recorder.record("busy", T0 + 2); // during the flush: lands in the fresh map
      await flushing;
      assert.deepEqual(recorder.pendingFor("busy"), { lastUsed: T0 + 2, count: 2 });
      assert.equal(await stored("busy"), null);
    } finally {
      await leases.drop(USAGE_FLUSH_LEASE, "someone-else");
    }
    await recorder.flush();
    assert.deepEqual(await stored("busy"), { _id: "busy", last_used: T0 + 2, use_count: 2 });
  });

  it("flushes on its own schedule, and once more on stop", async () => {
    const recorder = new ApiKeyUsageRecorder(store, { intervalMs: 40 });
    recorder.start();
    try {
      recorder.record("timed", T0 + 1);
      const giveUp = Date.now() + 5000;
      // pendingKeys drops to 0 when a flush starts; the document appears when it has written.
      while ((await stored("timed")) === null && Date.now() < giveUp) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(recorder.pendingKeys, 0);
      assert.deepEqual(await stored("timed"), { _id: "timed", last_used: T0 + 1, use_count: 1 });
    } finally {
      recorder.record("timed", T0 + 2);
      await recorder.stop();
    }
    assert.deepEqual(await stored("timed"), { _id: "timed", last_used: T0 + 2, use_count: 2 });
    recorder.record("timed", T0 + 3);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(recorder.pendingKeys, 1, "no flush after stop()");
  });

  it("writes more keys than one bulk write holds", async () => {
    const recorder = new ApiKeyUsageRecorder(store, { intervalMs: 60_000 });
    const ids = Array.from({ length: 1203 }, (_, i) => `bulk-${i}`);
    for (const id of ids) recorder.record(id, T0 + 7);
    await recorder.flush();
    assert.equal(recorder.pendingKeys, 0);
    assert.equal(await models.apiKeyUsage.countDocuments({ _id: { $regex: "^bulk-" } }).exec(), 1203);
    const values = await store.valuesFor(ids);
    assert.equal(values.size, 1203);
    assert.deepEqual(values.get("bulk-1202"), { last_used: T0 + 7, use_count: 1 });
    await store.remove(ids);
    assert.equal(await models.apiKeyUsage.countDocuments({ _id: { $regex: "^bulk-" } }).exec(), 0);
  });
});

describe("apiKeys.usageFlushInterval", () => {
  it("defaults to 60s and accepts durations, 0 and false (off)", () => {
    assert.equal(resolveApiKeyOptions(undefined).usageFlushIntervalMs, 60_000);
    assert.equal(resolveApiKeyOptions({ usageFlushInterval: "200ms" }).usageFlushIntervalMs, 200);
    assert.equal(resolveApiKeyOptions({ usageFlushInterval: 5000 }).usageFlushIntervalMs, 5000);
    assert.equal(resolveApiKeyOptions({ usageFlushInterval: 0 }).usageFlushIntervalMs, 0);
    assert.equal(resolveApiKeyOptions({ usageFlushInterval: "0s" }).usageFlushIntervalMs, 0);
    assert.equal(resolveApiKeyOptions({ usageFlushInterval: false }).usageFlushIntervalMs, 0);
  });
});
