import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createAlertModels, type AlertModels } from "../../../demo-app/alerts/alert-models.js";
import { ClaimStore } from "../../../demo-app/alerts/claim-store.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";

describe("demo ClaimStore on a real server", () => {
  let db: TestDatabase;
  let models: AlertModels;
  let now = 1_000_000;

  before(async () => {
    db = await openTestDatabase("claims");
    models = createAlertModels(db.connection);
    await models.claims.init();
  });

  after(async () => {
    await db.drop();
  });

  it("lets exactly one of many racing callers win a slot", async () => {
    const stores = Array.from({ length: 8 }, () => new ClaimStore(models.claims, () => now));
    const results = await Promise.all(stores.map((store) => store.claim("a1", "run@5", 5)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await stores[0]?.claim("a1", "run@5", 5), false);
    assert.equal(await stores[0]?.claim("a1", "run@6", 6), true);
  });

  it("gives a released slot back, and lets a stale claim (a crashed holder) be taken over", async () => {
    const store = new ClaimStore(models.claims, () => now, 60_000);
    assert.equal(await store.claim("a2", "v2", 2), true);
    await store.release("a2", "v2");
    assert.equal(await store.claim("a2", "v2", 2), true);
    now += 59_000;
    assert.equal(await store.claim("a2", "v2", 2), false);
    now += 2_000;
    assert.equal(await store.claim("a2", "v2", 2), true);
    assert.equal(await store.claim("a2", "v2", 2), false);
  });

  it("prunes an alert's older claims, or all of them", async () => {
    const store = new ClaimStore(models.claims, () => now);
    for (const at of [1, 2, 3]) assert.equal(await store.claim("a3", `run@${at}`, at), true);
    await store.prune("a3", 3);
    assert.deepEqual(
      (await models.claims.find({ alert_id: "a3" }).lean().exec()).map((c) => c.at),
      [3],
    );
    await store.prune("a3");
    assert.equal(await models.claims.countDocuments({ alert_id: "a3" }), 0);
  });
});
