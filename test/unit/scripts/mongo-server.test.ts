import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

// Compiled to build/test/unit/scripts/: the script lives in <repo>/scripts/, outside build/.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const mongoServer = (await import(
  pathToFileURL(join(repoRoot, "scripts", "mongo-server.mjs")).href
)) as typeof import("../../../scripts/mongo-server.mjs");

describe("startMongoServer", () => {
  const saved = { MONGODB_URI: process.env.MONGODB_URI, PATH: process.env.PATH };
  let emptyBin: string;

  beforeEach(() => {
    // A PATH with neither mongod nor go: anything that tries to start a server fails loudly.
    emptyBin = mkdtempSync(join(tmpdir(), "kg-empty-path-"));
    process.env.PATH = emptyBin;
  });

  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(emptyBin, { recursive: true, force: true });
  });

  test("uses MONGODB_URI as is, without starting anything", async () => {
    process.env.MONGODB_URI = "mongodb://db.example:27017/";
    const logs: string[] = [];
    const server = await mongoServer.startMongoServer({ log: (m) => logs.push(m) });
    assert.equal(server.kind, "external");
    assert.equal(server.uri, "mongodb://db.example:27017/");
    await server.stop();
    assert.ok(logs.some((m) => m.includes("MONGODB_URI")));
  });

  test("keeps a database and options named in MONGODB_URI, hiding credentials in logs", async () => {
    process.env.MONGODB_URI = "mongodb://user:secret@db.example/admin?replicaSet=rs0";
    const logs: string[] = [];
    const server = await mongoServer.startMongoServer({ log: (m) => logs.push(m) });
    assert.equal(server.uri, "mongodb://user:secret@db.example/admin?replicaSet=rs0");
    assert.ok(!logs.join("\n").includes("secret"));
  });

  test("adds the root path a bare MONGODB_URI lacks", async () => {
    process.env.MONGODB_URI = "mongodb://db.example:27017";
    assert.equal((await mongoServer.startMongoServer({ log: () => {} })).uri, "mongodb://db.example:27017/");
    assert.equal(mongoServer.normaliseRootUri("mongodb+srv://c.example?tls=true"), "mongodb+srv://c.example/?tls=true");
    assert.equal(mongoServer.normaliseRootUri("mongodb://a:1,b:2/"), "mongodb://a:1,b:2/");
  });

  test("says how to provide a server when none can be found or built", async () => {
    delete process.env.MONGODB_URI;
    await assert.rejects(mongoServer.startMongoServer({ log: () => {} }), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /MONGODB_URI/);
      assert.match(error.message, /mongod/);
      assert.match(error.message, /Go >= 1\.24/);
      return true;
    });
  });

  test("caches the FerretDB build per source hash, outside the repository", () => {
    const binary = mongoServer.ferretDbBinaryPath();
    assert.match(binary, /express-keyguard[\\/]ferretdb-[0-9a-f]{12}[\\/]ferretdb-embedded$/);
    assert.ok(!binary.startsWith(repoRoot + "/"), binary);
  });
});
