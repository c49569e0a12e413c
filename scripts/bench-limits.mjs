// `npm run bench:limits [-- --windows N --window-seconds S --limit L --clients C]`
//
// Compiles lib/ and bench/ (tsc -p tsconfig.bench.json), provides the database `npm test` uses
// (scripts/mongo-server.mjs, or MONGODB_URI), then runs build/bench/limit-fleet.js: three
// instances sharing one rate-limited key, the accepted requests per window printed to stdout.

import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startMongoServer } from "./mongo-server.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const log = (message) => process.stderr.write(`[bench:limits] ${message}\n`);

log("compile: tsc -p tsconfig.bench.json");
const compiled = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.bench.json"], {
  cwd: root,
  stdio: ["ignore", 2, 2],
});
if (compiled.status !== 0) process.exit(1);
const server = await startMongoServer({ log: (message) => log(`  ${message}`) });
try {
  const run = spawnSync(process.execPath, [join(root, "build", "bench", "limit-fleet.js"), ...process.argv.slice(2)], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, MONGODB_URI: server.uri },
  });
  process.exitCode = run.status ?? 1;
} finally {
  await server.stop();
}
