import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Options } from "express-rate-limit";
import { createModels, ensureIndexes, type SecurityModels } from "../../../lib/store/models.js";
import { MongoRateLimitStore } from "../../../lib/store/mongo-rate-limit-store.js";
import { StoreTimeLimit } from "../../../lib/store/store-time-limit.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";

// The shared failure counter stores each hit under an id built from the client key and the
// window; keys may contain the separator (IPv6 addresses, claimed principals).

describe("MongoRateLimitStore: one client's hits never count for another key", () => {
  let db: TestDatabase;
  let models: SecurityModels;
  before(async () => {
    db = await openTestDatabase("rate_limit_keys");
    models = createModels(db.connection, "security_", new StoreTimeLimit(10_000));
    await ensureIndexes(models);
  });
  after(() => db.drop());

  it("a key spelling `<key>:<window>:…` neither adds to nor resets the count of `<key>`", async () => {
    const store = new MongoRateLimitStore(models.counters);
    // One window for the whole test (no boundary to cross): its number is 1 until 2286.
    const windowMs = 1e12;
    store.init({ windowMs } as Options);
    const window = Math.floor(Date.now() / windowMs);
    const victim = "2001:db8::/56";
    const lookalike = `${victim}:${window}:guess`;
    await store.increment(victim);
    for (let i = 0; i < 3; i++) await store.increment(lookalike);
    assert.equal((await store.get(victim))?.totalHits, 1);
    assert.equal((await store.get(lookalike))?.totalHits, 3);
    await store.resetKey(lookalike);
    assert.equal((await store.get(victim))?.totalHits, 1);
    await store.resetKey(victim);
    assert.equal(await store.get(victim), undefined);
  });
});
