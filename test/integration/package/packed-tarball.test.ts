import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";

// build/test/integration/package → repository root
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

const APP = (moduleSystem: "esm" | "cjs") => `
${moduleSystem === "esm" ? 'import express from "express"; import mongoose from "mongoose"; import { createSecurity } from "express-keyguard";' : 'const express = require("express"); const mongoose = require("mongoose"); const { createSecurity } = require("express-keyguard");'}
(async () => {
  const connection = await mongoose.createConnection(process.env.DB_URI).asPromise();
  const security = createSecurity({ connection, bootstrapPassword: "packed-pass", passwordHashCost: 4 });
  await security.start();
  const app = express();
  app.use(security.adminUi());
  app.use(security.authenticate());
  app.get("/hello", (req, res) => res.json({ user: req.security.authentication.user.username }));
  const server = app.listen(0, "127.0.0.1", async () => {
    const base = "http://127.0.0.1:" + server.address().port;
    const ok = await fetch(base + "/hello", { headers: { authorization: "Basic " + Buffer.from("elastic:packed-pass").toString("base64") } });
    const denied = await fetch(base + "/hello");
    const script = await fetch(base + "/_security/ui/key-table.js");
    console.log(JSON.stringify({ ok: ok.status, body: await ok.json(), denied: denied.status, script: [script.status, script.headers.get("content-type")] }));
    server.close();
    await security.close();
    await connection.close();
  });
})();
`;

describe("the packed package", () => {
  let work: string;
  let db: TestDatabase;
  before(async () => {
    db = await openTestDatabase("packed");
    work = mkdtempSync(join(tmpdir(), "keyguard-pack-"));
    // npm pack runs the prepack build, so the tarball holds what a user would install.
    const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: root, encoding: "utf8" })
      .trim()
      .split("\n")
      .pop() as string;
    const consumer = join(work, "app");
    execFileSync("mkdir", ["-p", join(consumer, "node_modules")]);
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    execFileSync("tar", ["-xzf", join(work, tarball), "-C", work]);
    // Install the tarball's content as a dependency; peers and dependencies come from this
    // checkout's node_modules (no registry access needed in the test).
    execFileSync("mv", [join(work, "package"), join(consumer, "node_modules", "express-keyguard")]);
    for (const dep of ["express", "mongoose", "bcryptjs", "jsonwebtoken", "express-rate-limit"]) {
      symlinkSync(join(root, "node_modules", dep), join(consumer, "node_modules", dep));
    }
    writeFileSync(join(consumer, "app.mjs"), APP("esm"));
    writeFileSync(join(consumer, "app.cjs"), APP("cjs"));
  });
  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await db.drop();
  });

  for (const file of ["app.mjs", "app.cjs"]) {
    it(`authenticates a request and serves the admin UI from ${file === "app.mjs" ? "ESM import" : "CommonJS require"}`, () => {
      const out = execFileSync(process.execPath, [file], {
        cwd: join(work, "app"),
        env: { ...process.env, DB_URI: db.uri },
        encoding: "utf8",
        timeout: 60_000,
      });
      const result = JSON.parse(out.trim().split("\n").pop() as string) as {
        ok: number;
        body: { user: string };
        denied: number;
        script: [number, string];
      };
      // The admin UI finds its browser modules inside the installed package.
      assert.deepEqual(result, { ok: 200, body: { user: "elastic" }, denied: 401, script: [200, "text/javascript; charset=utf-8"] });
    });
  }

  it("ships only the build and type declarations", () => {
    const listing = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" });
    const files = (JSON.parse(listing) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    assert.ok(files.includes("dist/index.js"));
    assert.ok(files.includes("dist/index.d.ts"));
    assert.ok(files.includes("dist/support/password-hash-worker.js"));
    // The admin UI's page and styles are string modules; its script is the browser build of
    // lib/admin-ui/, which the admin UI reads from dist/admin-ui/ and serves.
    assert.ok(files.includes("dist/http/admin-ui/admin-ui-styles.js"));
    assert.ok(files.includes("dist/admin-ui/admin-ui.js"));
    assert.ok(files.includes("dist/admin-ui/key-table.js"));
    assert.equal(
      files.some((f) => f.startsWith("lib/") || f.startsWith("test/")),
      false,
    );
  });
});
