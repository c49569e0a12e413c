// Compiles lib/ into the published dist/: the ESM build from tsconfig.json and the admin page's
// browser modules from tsconfig.admin-ui.json (dist/admin-ui/, served by the admin UI).

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

const builds = ["tsconfig.json", "tsconfig.admin-ui.json"];

function step(message) {
  process.stderr.write(`[build] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[build] ${message}\n`);
  process.exit(1);
}

if (!existsSync(tsc)) fail("node_modules/typescript is missing: run `npm ci` first.");

/** The outDir tsc will really use, after `extends` is applied. */
function outDirOf(config) {
  const shown = spawnSync(process.execPath, [tsc, "-p", config, "--showConfig"], { cwd: root, encoding: "utf8" });
  if (shown.status !== 0) fail(`tsc --showConfig -p ${config} failed:\n${shown.stdout}${shown.stderr}`);
  const outDir = JSON.parse(shown.stdout).compilerOptions?.outDir;
  if (typeof outDir !== "string") fail(`${config} has no compilerOptions.outDir`);
  const absolute = resolve(root, outDir);
  // Never wipe anything outside the checkout (or the checkout itself) because of a config typo.
  if (absolute === root || !absolute.startsWith(root + sep)) fail(`${config}: outDir ${outDir} is outside the repository`);
  return absolute;
}

const planned = builds.map((config) => ({ config, outDir: outDirOf(config) }));

const toClean = [join(root, "dist"), ...planned.map((b) => b.outDir)];
for (const dir of new Set(toClean.filter((d) => !toClean.some((other) => d.startsWith(other + sep))))) {
  step(`clean ${relative(root, dir)}/`);
  rmSync(dir, { recursive: true, force: true });
}

for (const { config, outDir } of planned) {
  step(`tsc -p ${config} → ${relative(root, outDir)}/`);
  const result = spawnSync(process.execPath, [tsc, "-p", config], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) fail(`tsc -p ${config} failed (exit ${result.status ?? result.signal})`);
}

// tsc keeps the `#!` line of the package's commands but not an exec bit; npm sets it when
// installing, this makes them runnable straight from a checkout.
const bins = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).bin ?? {};
for (const target of Object.values(bins)) {
  const path = join(root, target);
  if (existsSync(path)) chmodSync(path, 0o755);
}

step("done");
