// `npm test [-- <path filter>... | --<node test flag>...]`
//
// Compiles the tests, builds dist/ (the packaging test imports it), provides a real MongoDB-
// compatible server and runs build/test/**/*.test.js with node's test runner against it.
// Test files get MONGODB_URI (server root; open databases with test/support/test-database.ts)
// and KEYGUARD_TEST_SERVER ("external" | "mongod" | "ferretdb" | "none").
//
// The selected files run on Express 5; those of EXPRESS4_FILES among them then run again on
// Express 4 (KEYGUARD_TEST_EXPRESS=4), with every `import "express"`, the library's own included,
// resolved to the `express4` devDependency by scripts/use-express4.mjs.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compileAdminUi } from "./compile-admin-ui.mjs";
import { startMongoServer } from "./mongo-server.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const inCi = /^(1|true|yes)$/i.test(process.env.CI ?? "");

// The peer range promises Express 4 too. A representative subset keeps the second run short:
// authentication, guards and the error handler, the API-key lifecycle, tokens, the admin page.
const EXPRESS4_FILES = [
  "test/integration/foundation/authenticate.test.ts",
  "test/integration/foundation/authorization.test.ts",
  "test/integration/foundation/internal-error-report.test.ts",
  "test/integration/foundation/error-handler.test.ts",
  "test/integration/api-key/create-get-invalidate.test.ts",
  "test/integration/authc/session-realm-cross-site.test.ts",
  "test/integration/token/token-grants.test.ts",
  "test/integration/admin-ui/admin-ui-http.test.ts",
];

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith("--"));
const runnerFlags = args.filter((a) => a.startsWith("--"));

let server;
let runner;
let interrupted = false;

function step(message) {
  process.stdout.write(`\n[test] ${message}\n`);
}

function fail(message, code = 1) {
  process.stderr.write(`[test] ${message}\n`);
  process.exitCode = code;
}

async function shutdown(signal) {
  if (interrupted) return;
  interrupted = true;
  process.stderr.write(`[test] ${signal}: stopping\n`);
  // The runner shares our process group, so a terminal Ctrl-C reached it too; a signal sent to
  // this process alone must be forwarded.
  if (runner && runner.exitCode === null) runner.kill(signal);
  await server?.stop();
  process.exit(signal === "SIGINT" ? 130 : 143);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

function listTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".test.js"))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

async function main() {
  // A renamed file would otherwise drop out of the Express 4 run without a word.
  const unknown = EXPRESS4_FILES.filter((file) => !existsSync(join(root, file)));
  if (unknown.length > 0) return fail(`EXPRESS4_FILES names missing test files: ${unknown.join(", ")}`);

  step("compile: tsc -p tsconfig.test.json");
  const compiled = spawnSync(process.execPath, [tsc, "-p", "tsconfig.test.json"], { cwd: root, stdio: "inherit" });
  if (compiled.status !== 0) return fail(`TypeScript errors (tsc exit ${compiled.status ?? compiled.signal}); fix them first.`);
  step("compile: tsc -p tsconfig.admin-ui.json (browser modules)");
  const browser = compileAdminUi(root);
  if (browser !== 0) return fail(`TypeScript errors in lib/admin-ui (tsc exit ${browser}); fix them first.`);

  step("build: node scripts/build.mjs");
  const built = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) return fail("build failed");

  // tsc never deletes outputs, so a renamed or deleted test would keep running from build/.
  const all = listTests(join(root, "build", "test")).filter((file) => {
    const source = join(root, relative(join(root, "build"), file)).replace(/\.js$/, ".ts");
    return existsSync(source);
  });
  const files = filters.length
    ? all.filter((file) => {
        const compiledPath = relative(root, file);
        const sourcePath = relative(join(root, "build"), file).replace(/\.js$/, ".ts");
        return filters.some((f) => compiledPath.includes(f) || sourcePath.includes(f));
      })
    : all;
  if (files.length === 0) {
    return fail(filters.length ? `no test file matches ${filters.join(", ")}` : "no test files found under build/test/");
  }

  step("database: starting a MongoDB-compatible server");
  const env = { ...process.env };
  try {
    server = await startMongoServer({ log: (msg) => process.stdout.write(`[test]   ${msg}\n`) });
    env.MONGODB_URI = server.uri;
    env.KEYGUARD_TEST_SERVER = server.kind;
    process.stdout.write(`[test]   ${server.kind} at ${server.uri.replace(/\/\/[^@/]*@/, "//***@")}\n`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (inCi) return fail(`CI needs a database and none could be provided:\n${message}`);
    // Locally, tests that need MongoDB fail with openTestDatabase's message (or skip themselves
    // on KEYGUARD_TEST_SERVER=none); the rest still give signal.
    process.stderr.write(`[test] WARNING: no database, tests needing MongoDB will fail:\n${message}\n`);
    delete env.MONGODB_URI;
    env.KEYGUARD_TEST_SERVER = "none";
  }
  if (interrupted) return;

  step(`run: ${files.length} test file(s) on Express 5`);
  let code = await runTests(files, { ...env, KEYGUARD_TEST_EXPRESS: "5" }, []);
  const onExpress4 = files.filter((file) => EXPRESS4_FILES.includes(relative(join(root, "build"), file).replace(/\.js$/, ".ts")));
  if (onExpress4.length > 0 && !interrupted) {
    step(`run: ${onExpress4.length} test file(s) on Express 4`);
    if (!existsSync(join(root, "node_modules", "express4", "package.json"))) {
      return fail("Express 4 (devDependency express4) is not installed; run npm install.");
    }
    const hook = pathToFileURL(join(root, "scripts", "use-express4.mjs")).href;
    const code4 = await runTests(onExpress4, { ...env, KEYGUARD_TEST_EXPRESS: "4" }, ["--import", hook]);
    if (code === 0) code = code4;
  }
  process.exitCode = code;
}

/** Runs test files with node's test runner; resolves with its exit code. */
async function runTests(testFiles, runEnv, nodeFlags) {
  const nodeArgs = [
    // Before --test: the runner hands its own node flags on to every test file's process.
    ...nodeFlags,
    "--test",
    "--test-concurrency=2",
    "--test-reporter=spec",
    // A hung test (e.g. a query waiting on a dead server) must not eat CI's whole time budget.
    "--test-timeout=120000",
    ...runnerFlags,
    ...testFiles.map((f) => relative(root, f)),
  ];
  runner = spawn(process.execPath, nodeArgs, { cwd: root, env: runEnv, stdio: "inherit" });
  return new Promise((resolveRun) => {
    runner.once("error", (error) => {
      process.stderr.write(`[test] could not start the test runner: ${error.message}\n`);
      resolveRun(1);
    });
    runner.once("exit", (exitCode, signal) => resolveRun(exitCode ?? (signal ? 1 : 0)));
  });
}

try {
  await main();
} catch (error) {
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  if (!interrupted) await server?.stop();
}
