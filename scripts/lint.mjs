// `npm run lint [-- --fix]`: every static check CI runs, each step named as it starts.
//   eslint   typescript-eslint's type-checked rules (eslint.config.js)
//   format   Prettier (.prettierrc.json)
//   layers   dependency-cruiser: imports point down DESIGN.md §7's layers, no cycles, the
//            database only in lib/store/, Express only in lib/http/ (.dependency-cruiser.cjs)
//   api      API Extractor: the public surface in dist/index.d.ts against api/express-keyguard.api.md
// `--fix` lets eslint and Prettier rewrite files and accepts a changed API report.

import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const fix = process.argv.includes("--fix");
const bin = (name) => join(root, "node_modules", ".bin", name);

const steps = [
  ["eslint", bin("eslint"), [".", "--max-warnings", "0", ...(fix ? ["--fix"] : [])]],
  ["format", bin("prettier"), [fix ? "--write" : "--check", "--log-level", "warn", "."]],
  ["layers", bin("depcruise"), ["lib", "--config", ".dependency-cruiser.cjs", "--output-type", "err"]],
  ["build", process.execPath, [join(root, "scripts", "build.mjs")]],
  ["api", bin("api-extractor"), ["run", ...(fix ? ["--local"] : [])]],
];

const failed = [];
for (const [name, command, args] of steps) {
  process.stdout.write(`\n[lint] ${name}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status === 0) {
    process.stdout.write(`[lint] ${name}: ok (${seconds} s)\n`);
  } else {
    process.stdout.write(`[lint] ${name}: FAILED (exit ${result.status ?? result.signal}, ${seconds} s)\n`);
    failed.push(name);
    if (name === "build") break;
  }
}
if (failed.length > 0) {
  process.stdout.write(
    `\n[lint] failed: ${failed.join(", ")}${fix ? "" : " (`npm run lint -- --fix` mends formatting, fixable rules and an intended API change)"}\n`,
  );
  process.exit(1);
}
process.stdout.write("\n[lint] all checks passed\n");
