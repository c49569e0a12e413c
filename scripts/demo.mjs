// `npm run demo`: compiles demo-app/ (with lib/) and runs it against MONGODB_URI or a server
// started here whose data lives in the user's cache dir, so the demo's users and keys survive
// restarts.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compileAdminUi } from "./compile-admin-ui.mjs";
import { expressKeyguardCacheDir, startMongoServer } from "./mongo-server.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const entry = join(root, "build", "demo-app", "main.js");

function step(message) {
  process.stderr.write(`[demo] ${message}\n`);
}

step("compile: tsc -p tsconfig.test.json");
const compiled = spawnSync(process.execPath, [tsc, "-p", "tsconfig.test.json"], { cwd: root, stdio: "inherit" });
if (compiled.status !== 0) {
  step(`TypeScript errors (tsc exit ${compiled.status ?? compiled.signal}); the demo was not started.`);
  process.exit(1);
}
step("compile: tsc -p tsconfig.admin-ui.json (the admin page's browser modules)");
if (compileAdminUi(root) !== 0) {
  step("TypeScript errors in lib/admin-ui; the demo was not started.");
  process.exit(1);
}
if (!existsSync(join(root, "demo-app", "main.ts")) || !existsSync(entry)) {
  step("demo-app/main.ts is missing or did not compile to build/demo-app/main.js: there is no demo to run yet.");
  process.exit(1);
}

let server;
if (!process.env.MONGODB_URI) {
  const persistentDir = join(expressKeyguardCacheDir(), "demo-data");
  try {
    server = await startMongoServer({ persistentDir, log: (msg) => step(msg) });
  } catch (error) {
    step(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  process.env.MONGODB_URI = `${server.uri}keyguard_demo`;
  step(`demo data kept in ${persistentDir} (delete it to start over)`);
}

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  step(`${signal}: stopping`);
  await server?.stop();
  process.exit(signal === "SIGINT" ? 130 : 143);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

step("starting build/demo-app/main.js");
try {
  await import(pathToFileURL(entry).href);
} catch (error) {
  step(`the demo failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await server?.stop();
  process.exit(1);
}
