import { createHash } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ADMIN_UI_STYLES } from "./admin-ui-styles.js";
import { ADMIN_UI_TAB_STYLES } from "./admin-ui-tab-styles.js";
import { ADMIN_UI_ENTRY, readAdminUiScripts } from "./read-admin-ui-scripts.js";
import { renderAdminPage } from "./render-admin-page.js";
import { resolveAdminUiOptions, type AdminUiOptions } from "./resolve-admin-ui-options.js";
import { staticAsset, type StaticAsset } from "./static-asset.js";

/**
 * The page's Content-Security-Policy: its own script and style sheet only (no inline code),
 * requests to its own origin only, no framing, no form submissions to anywhere (the forms are
 * handled by the script; should it fail to load, a password can never end up in a URL). Trusted
 * Types with no policy make the browser refuse any string in an HTML or script sink (`innerHTML`
 * and the like): the script builds the DOM from text only, and this keeps it so.
 */
export const ADMIN_UI_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join("; ");

const COMMON_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["Content-Security-Policy", ADMIN_UI_CONTENT_SECURITY_POLICY],
  ["X-Content-Type-Options", "nosniff"],
  ["Referrer-Policy", "no-referrer"],
  ["X-Frame-Options", "DENY"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["X-Robots-Tag", "noindex, nofollow"],
];

/**
 * A mount prefix is put into the page only when it is a plain path: with a parameterized mount
 * (`app.use("/:tenant", …)`) it comes from the request URL.
 */
const SAFE_PREFIX = /^(?:\/[A-Za-z0-9._~-]+)*$/;

/** Whether `If-None-Match` names this entity tag (a list, weak forms and `*` included). */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === etag || t === `W/${etag}`;
  });
}

/** What the admin UI needs to know about the security instance it serves. */
export interface AdminUiContext {
  /** `apiKeys.enabled` of the security instance. */
  apiKeysEnabled: boolean;
}

/**
 * The admin page (API keys, roles, users) as one middleware: `GET <path>` (and `<path>/`) serves the page,
 * `<path>/admin-ui.css` its styles and `<path>/<module>.js` its script, the ES modules compiled
 * from lib/admin-ui/ (entry `admin-ui.js`), each also under `<path>/<version>/`, where the page
 * loads them from; every other request goes to `next()`. The page holds no secret, so it is
 * served without authentication; it asks the user to sign in and calls the router's own
 * `/_security` endpoints with those credentials.
 *
 * Mount it before `security.authenticate()`, or the page itself would need credentials.
 * @throws TypeError for invalid options, or when API keys are disabled; Error when the package was
 * built without the page's browser modules.
 */
export function createAdminUi(options: AdminUiOptions | undefined, context: AdminUiContext): RequestHandler {
  const resolved = resolveAdminUiOptions(options);
  if (!context.apiKeysEnabled) {
    throw new TypeError(
      "express-keyguard: adminUi() manages API keys, but option apiKeys.enabled is false; enable API keys or leave the admin UI out",
    );
  }
  const scripts = readAdminUiScripts();
  const styles = staticAsset(ADMIN_UI_STYLES + ADMIN_UI_TAB_STYLES, "text/css; charset=utf-8");
  const files = new Map<string, StaticAsset>([["admin-ui.css", styles], ...scripts]);
  const versionHash = createHash("sha256");
  for (const [name, file] of files) versionHash.update(`${name} ${file.etag}\n`);
  const version = versionHash.digest("hex").slice(0, 12);
  const { path } = resolved;
  // Each file twice: under `<path>/<version>/`, the URLs the page uses, which never change
  // content and so are cached for good (the page, never cached, names the current version);
  // under `<path>/`, stable URLs revalidated on every use.
  const byPath = new Map<string, { file: StaticAsset; immutable: boolean }>();
  for (const [name, file] of files) {
    byPath.set(`${path}/${name}`, { file, immutable: false });
    byPath.set(`${path}/${version}/${name}`, { file, immutable: true });
  }
  // Fetched at once by the browser instead of one import level after another.
  const preloads = [...scripts.keys()].filter((name) => name !== ADMIN_UI_ENTRY);

  const setCommon = (res: Response): void => {
    for (const [name, value] of COMMON_HEADERS) res.setHeader(name, value);
  };

  const sendAsset = (req: Request, res: Response, file: StaticAsset, immutable: boolean): void => {
    setCommon(res);
    res.setHeader("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
    res.setHeader("ETag", file.etag);
    if (matchesEtag(req.headers["if-none-match"], file.etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader("Content-Type", file.type);
    res.setHeader("Content-Length", String(file.body.length));
    res.status(200).end(req.method === "HEAD" ? undefined : file.body);
  };

  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const requested = req.path;
    const asset = byPath.get(requested);
    if (asset) return sendAsset(req, res, asset.file, asset.immutable);
    if (requested !== path && requested !== `${path}/`) return next();

    const mountPrefix = req.baseUrl;
    if (!SAFE_PREFIX.test(mountPrefix)) return next();
    const html = Buffer.from(
      renderAdminPage({
        assetBase: `${mountPrefix}${path}/${version}`,
        apiBase: resolved.apiBase ?? mountPrefix,
        entry: ADMIN_UI_ENTRY,
        preloads,
      }),
      "utf8",
    );
    setCommon(res);
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    res.setHeader("Content-Length", String(html.length));
    res.status(200).end(req.method === "HEAD" ? undefined : html);
  };
}
