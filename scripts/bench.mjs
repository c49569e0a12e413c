// `npm run bench [-- --json] [--cpu-prof] [--no-scale] [--seconds N] [--rounds N] [--scale-keys N] [--no-pin] [--only id,…]`
//
// Compiles lib/ and bench/ into build/ (tsc -p tsconfig.bench.json; `npm test` type-checks bench/
// too), provides a real MongoDB-compatible server (scripts/mongo-server.mjs), then runs
// build/bench/run-bench.js: the server in a child process, autocannon in this one, loopback only,
// every load bounded in time and count. Progress goes to stderr; the table (or, with --json, one
// JSON object) to stdout. --cpu-prof writes the server's CPU profile to build/bench-profiles/.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startMongoServer } from "./mongo-server.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const args = process.argv.slice(2);

function flag(name) {
  return args.includes(name);
}

function numberOption(name, fallback) {
  const index = args.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`[bench] ${name} needs a non-negative number\n`);
    process.exit(2);
  }
  return value;
}

const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const valued = ["--seconds", "--rounds", "--scale-keys", "--only"];
const known = new Set(["--json", "--cpu-prof", "--no-scale", "--no-pin", ...valued]);
for (const [i, arg] of args.entries()) {
  if (arg.startsWith("--") && !known.has(arg)) {
    log(`unknown option ${arg} (known: ${[...known].join(", ")})`);
    process.exit(2);
  }
  if (!arg.startsWith("--") && !valued.includes(args[i - 1])) {
    log(`unexpected argument ${arg}`);
    process.exit(2);
  }
}

let server;
let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  await server?.stop();
  process.exit(signal === "SIGINT" ? 130 : 143);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));

async function main() {
  const started = Date.now();
  if (!existsSync(tsc)) throw new Error("node_modules/typescript is missing: run `npm ci` first.");
  log("compile: tsc -p tsconfig.bench.json");
  const compiled = spawnSync(process.execPath, [tsc, "-p", "tsconfig.bench.json"], { cwd: root, stdio: ["ignore", 2, 2] });
  if (compiled.status !== 0) throw new Error(`TypeScript errors (tsc exit ${compiled.status ?? compiled.signal})`);

  log("database: starting a MongoDB-compatible server");
  // FerretDB's own `_id` lookups scan the table (its pushdown misses its index); the benchmark
  // adds the missing index so key reads are index lookups, as on MongoDB.
  server = await startMongoServer({ log: (message) => log(`  ${message}`), ferretIdIndex: true });
  log(`  ${server.kind} at ${server.uri.replace(/\/\/[^@/]*@/, "//***@")}`);

  const cpuProfileDir = flag("--cpu-prof") ? join(root, "build", "bench-profiles") : undefined;
  if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
  const { runBench, formatTable } = await import(pathToFileURL(join(root, "build", "bench", "run-bench.js")).href);
  const { report, notes } = await runBench({
    uri: server.uri,
    databaseKind: server.kind,
    seconds: numberOption("--seconds", 3),
    rounds: numberOption("--rounds", 3),
    scaleKeys: flag("--no-scale") ? 0 : numberOption("--scale-keys", 200_000),
    pin: !flag("--no-pin"),
    ...(args.includes("--only") ? { only: String(args[args.indexOf("--only") + 1] ?? "").split(",") } : {}),
    ...(cpuProfileDir ? { cpuProfileDir } : {}),
    log,
  });
  notes.seconds = (Date.now() - started) / 1000;
  if (flag("--json")) process.stdout.write(JSON.stringify(report) + "\n");
  else process.stdout.write("\n" + formatTable(report, notes) + "\n");
  if (cpuProfileDir) log(`CPU profile of the server: ${cpuProfileDir}`);
}

try {
  await main();
} catch (error) {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
} finally {
  if (!stopping) await server?.stop();
}
