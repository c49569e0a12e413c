import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { staticAsset, type StaticAsset } from "./static-asset.js";

/** The page's entry module; it imports the others by relative URL. */
export const ADMIN_UI_ENTRY = "admin-ui.js";

/** The browser build of lib/admin-ui/, compiled beside this package's server modules. */
const SCRIPTS_DIR = fileURLToPath(new URL("../../admin-ui/", import.meta.url));

/** Only plain module names are served, so no request path can name anything else. */
const MODULE_NAME = /^[a-z0-9-]+\.js$/;

/**
 * The page's ES modules, read once: file name → asset. They are served from memory under the
 * page's path, where the entry's relative imports resolve.
 * @throws Error when the browser build is missing (the package was compiled without it).
 */
export function readAdminUiScripts(dir: string = SCRIPTS_DIR): ReadonlyMap<string, StaticAsset> {
  if (!existsSync(join(dir, ADMIN_UI_ENTRY))) {
    throw new Error(
      `express-keyguard: the admin UI's browser build is missing (${ADMIN_UI_ENTRY} next to the package's modules); build the package with its build script`,
    );
  }
  const scripts = new Map<string, StaticAsset>();
  const files = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isFile() && MODULE_NAME.test(entry.name));
  for (const name of files.map((entry) => entry.name).sort()) {
    scripts.set(name, staticAsset(readFileSync(join(dir, name)), "text/javascript; charset=utf-8"));
  }
  return scripts;
}
