import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";

// Compiled to build/test/integration/api-key/: the built package is <repo>/dist.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const CLI = join(repoRoot, "dist", "cli", "main.js");
const ROWS = 5000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Arrival time (ms after start) of each progress line on stderr. */
  progressAt: number[];
  elapsedMs: number;
}

function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const progressAt: number[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    for (const line of chunk.split("\n"))
      if (/ (validated|compared|read|inserted) [\d,]+\//.test(line)) progressAt.push(Date.now() - started);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, progressAt, elapsedMs: Date.now() - started });
    });
  });
}

describe("express-keyguard import (CLI)", () => {
  let db: TestDatabase;
  let dir: string;
  let file: string;
  const secretOf = (i: number) => `cli-secret-${i}-${"z".repeat(12)}`;

  before(async () => {
    db = await openTestDatabase("ak_import_cli");
    dir = mkdtempSync(join(tmpdir(), "kg-import-"));
    file = join(dir, "keys.ndjson");
    let text = "";
    for (let i = 0; i < ROWS; i++) {
      text +=
        JSON.stringify({
          id: `cli-${i}`,
          name: `cli key ${i}`,
          secret: secretOf(i),
          owner: { username: `user${i % 20}` },
          limited_by: ["superuser"],
          metadata: { n: i },
        }) + "\n";
    }
    writeFileSync(file, text);
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  it(`imports ${ROWS} NDJSON rows with throttled progress on stderr, then finds them unchanged`, async () => {
    const first = await runCli(["import", file, "--batch-size", "500"], { MONGODB_URI: db.uri });
    assert.equal(first.code, 0, first.stderr);
    assert.ok(first.elapsedMs < 90_000);
    assert.match(first.stderr, new RegExp(`done: ${ROWS} rows, ${ROWS} inserted, 0 unchanged`));
    assert.ok(first.progressAt.length >= 1, first.stderr);
    // At most one progress line per 250 ms (plus the first).
    assert.ok(first.progressAt.length <= Math.ceil(first.elapsedMs / 250) + 1, `${first.progressAt.length} lines in ${first.elapsedMs} ms`);
    for (let i = 1; i < first.progressAt.length; i++)
      assert.ok((first.progressAt[i] as number) - (first.progressAt[i - 1] as number) >= 200, first.stderr);
    assert.doesNotMatch(first.stderr, /cli-secret-/, "no secret is printed");
    assert.equal(await db.connection.collection("security_api_keys").countDocuments(), ROWS);
    const stored = await db.connection.collection("security_api_keys").findOne({ _id: "cli-4321" } as never);
    assert.equal(stored?.creator?.principal, "user1");
    assert.match(String(stored?.hash), /^\{SSHA256\}/);

    const second = await runCli(["import", file, "--mongodb-uri", db.uri, "--quiet", "--json"]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, new RegExp(`done: ${ROWS} rows, 0 inserted, ${ROWS} unchanged`));
    assert.equal(second.progressAt.length, 0, "--quiet prints no progress");
    const result = JSON.parse(second.stdout);
    assert.equal(result.unchanged, ROWS);
    assert.equal(result.keys.length, ROWS);
    assert.deepEqual(result.keys[7], { row: 8, id: "cli-7", name: "cli key 7", status: "unchanged", line: 8 });
    assert.doesNotMatch(second.stdout, /cli-secret-/);
  });

  it("exits 1 with line-numbered problems and writes nothing when a row is bad", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(
      bad,
      '[\n  {"id": "fresh-1", "name": "ok", "secret": "fresh-secret", "owner": {"username": "u"}, "limited_by": ["superuser"]},\n  {"id": "cli-1", "name": "changed", "secret": "other-secret", "owner": {"username": "u"}, "limited_by": ["superuser"]},\n  {"name": "no owner", "secret": "s", "limited_by": ["superuser"]}\n]\n',
    );
    const before = await db.connection.collection("security_api_keys").countDocuments();
    const run = await runCli(["import", bad, "--mongodb-uri", db.uri]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /1 invalid row:\n {2}line 4: \[owner\] is required/);
    assert.match(run.stderr, /nothing was written/);
    assert.doesNotMatch(run.stderr, /fresh-secret|other-secret/);

    writeFileSync(
      bad,
      '{"id": "fresh-1", "name": "ok", "secret": "fresh-secret", "owner": {"username": "u"}, "limited_by": ["superuser"]}\n{"id": "cli-1", "name": "changed", "secret": "other-secret", "owner": {"username": "u"}, "limited_by": ["superuser"]}\n',
    );
    const conflict = await runCli(["import", bad, "--mongodb-uri", db.uri]);
    assert.equal(conflict.code, 1, conflict.stderr);
    assert.match(
      conflict.stderr,
      /1 conflict with a stored key:\n {2}line 2: API key \[cli-1\] already exists with a different name, owner, metadata, secret/,
    );
    assert.equal(await db.connection.collection("security_api_keys").countDocuments(), before);
  });

  it("exits 2 on bad usage, with a message, and 0 with --help", async () => {
    const noDb = await runCli(["import", file]);
    assert.equal(noDb.code, 2);
    assert.match(noDb.stderr, /no database: pass --mongodb-uri <uri> or set MONGODB_URI/);
    const missing = await runCli(["import", join(dir, "nope.json"), "--mongodb-uri", db.uri]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read ".*nope\.json" \(ENOENT\)/);
    const unknown = await runCli(["import", file, "--frobnicate"]);
    assert.equal(unknown.code, 2);
    const algorithm = await runCli(["import", file, "--hash-algorithm", "md5", "--mongodb-uri", db.uri]);
    assert.equal(algorithm.code, 2);
    assert.match(algorithm.stderr, /--hash-algorithm must be one of ssha256, pbkdf2, bcrypt/);
    const help = await runCli(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: express-keyguard import <file> \[options\]/);
    assert.match(help.stdout, /Exit codes: 0 imported/);
  });

  it("exits 3 when the database cannot be reached", async () => {
    const run = await runCli(["import", file, "--mongodb-uri", "mongodb://user:pw@127.0.0.1:9/x?serverSelectionTimeoutMS=500"]);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /cannot connect to MongoDB/);
    assert.doesNotMatch(run.stderr, /user:pw/);
  });
});
