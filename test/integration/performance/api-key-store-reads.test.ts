import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestApp, type TestApp } from "../../support/test-app.js";

// The cache-less authentication read and the remover's batches, on a real server.
describe("API-key store: the authentication read and the remover's batches", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp("api-key-store-reads", { apiKeys: { cacheTtl: 0 } });
  });
  after(() => t.close());

  it("reads one key with what authentication needs, without the query-only metadata copies", async () => {
    const created = await t.admin("POST", "/_security/api_key", { name: "reader", metadata: { team: "a", tags: ["x"] } });
    assert.equal(created.status, 200);
    const doc = await t.core.apiKeys.store.get(created.body.id as string);
    assert.ok(doc, "found");
    assert.equal(doc._id, created.body.id);
    assert.match(doc.hash, /^\{/, "with its hash");
    assert.equal(doc.version, 1);
    assert.equal(doc.creator.principal, "elastic");
    assert.equal(JSON.parse(doc.metadata).team, "a");
    assert.equal(doc.metadata_flattened, undefined);
    assert.equal(doc.metadata_values, undefined);
    const raw = await t.core.models.apiKeys.collection.findOne({ _id: created.body.id } as never);
    assert.deepEqual(raw?.metadata_values?.sort(), ["a", "x"], "still stored for queries");
    assert.equal(await t.core.apiKeys.store.get("no-such-key-000000000"), null);
    assert.equal(await t.core.apiKeys.store.get("bad id\n"), null);
    // And the whole cache-less authentication still works from that read.
    const res = await t.request("GET", "/_security/_authenticate", { auth: { apiKey: created.body.encoded as string } });
    assert.equal(res.status, 200);
    assert.equal(res.body.api_key.name, "reader");
  });

  it("deletes only inactive keys, one bounded batch per call, until none is left", async () => {
    const model = t.core.models.apiKeys;
    const template = await model.collection.findOne({ name: "reader" } as never);
    assert.ok(template);
    const now = Date.now();
    const docs = Array.from({ length: 25 }, (_, i) => ({
      ...template,
      _id: `batchkey${String(i).padStart(12, "0")}`,
      name: `batch-${i}`,
      // Every other key expired long ago; the rest are live (some never expire).
      expiration_time: i % 2 === 0 ? now - 30 * 86_400_000 : i % 3 === 0 ? null : now + 86_400_000,
    }));
    await model.collection.insertMany(docs as never[]);
    const store = t.core.apiKeys.store;
    const cutoff = now - 7 * 86_400_000;
    const first = await store.removeInactive(cutoff, 5);
    assert.equal(first.length, 5, "one batch of at most batchSize");
    const rest: string[] = [];
    for (let i = 0; i < 5; i++) rest.push(...(await store.removeInactive(cutoff, 5)));
    const removed = new Set([...first, ...rest]);
    assert.equal(removed.size, 13);
    for (const id of removed) assert.equal(Number(id.slice(-12)) % 2, 0, `${id} was expired`);
    assert.equal(await model.countDocuments({ name: /^batch-/ }), 12, "the live keys stay");
  });
});
