import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Schema } from "mongoose";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

// Proves the server `npm test` provides (MONGODB_URI) is real and that openTestDatabase hands
// every caller a private database.
describe("test MongoDB server", () => {
  let first: TestDatabase;
  let second: TestDatabase;

  before(async () => {
    first = await openTestDatabase("mongo-server first");
    second = await openTestDatabase("mongo-server second");
  });

  after(async () => {
    await Promise.all([first?.drop(), second?.drop()]);
  });

  test("answers ping through mongoose", async () => {
    const db = first.connection.db;
    assert.ok(db, "connection has no db handle");
    const reply = await db.admin().ping();
    assert.equal(reply["ok"], 1);
  });

  test("reads back a written document", async () => {
    const Note = first.connection.model("Note", new Schema({ title: String, tags: [String] }));
    const created = await Note.create({ title: "hello", tags: ["a", "b"] });
    const found = await Note.findById(created._id).lean();
    assert.ok(found);
    assert.equal(found.title, "hello");
    assert.deepEqual(found.tags, ["a", "b"]);
  });

  test("gives each caller its own database", async () => {
    assert.notEqual(first.connection.name, second.connection.name);
    assert.match(first.connection.name, /^kg_mongo_server_first_[0-9a-f]{6}$/);
    assert.ok(first.uri.includes(`/${first.connection.name}`), first.uri);

    const schema = new Schema({ n: Number });
    await first.connection.model("Counter", schema).create({ n: 1 });
    assert.equal(await first.connection.model("Counter").countDocuments(), 1);
    assert.equal(await second.connection.model("Counter", schema).countDocuments(), 0);
  });

  test("drop removes the database", async () => {
    const scratch = await openTestDatabase("scratch");
    await scratch.connection.model("Thing", new Schema({ x: Number })).create({ x: 1 });
    const admin = first.connection.db?.admin();
    assert.ok(admin);
    const before = await admin.listDatabases({ nameOnly: true });
    assert.ok(before.databases.some((d) => d.name === scratch.connection.name));
    await scratch.drop();
    await scratch.drop();
    const after = await admin.listDatabases({ nameOnly: true });
    assert.ok(!after.databases.some((d) => d.name === scratch.connection.name));
  });
});
