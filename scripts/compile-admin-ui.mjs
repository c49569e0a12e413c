// The admin page's browser modules (lib/admin-ui/, tsconfig.admin-ui.json) for a program compiled
// into build/: the admin UI serves them from lib/admin-ui/ beside its own compiled modules, so
// build/lib/admin-ui/ must hold them wherever build/lib/ runs (tests, demo).

import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";

/** Returns tsc's exit status (0 when compiled). */
export function compileAdminUi(root) {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const outDir = join(root, "build", "lib", "admin-ui");
  // tsc never deletes outputs, and the admin UI serves every module in this folder: a renamed
  // source must not leave its old module behind.
  rmSync(outDir, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.admin-ui.json", "--outDir", outDir], { cwd: root, stdio: "inherit" });
  return result.status ?? 1;
}
