/** Options of `security.adminUi(options)`. */
export interface AdminUiOptions {
  /**
   * URL path of the page, relative to where the middleware is mounted. The page's script modules
   * and style sheet are served below it (`<path>/admin-ui.js` and the modules it imports,
   * `<path>/admin-ui.css`).
   * Default `"/_security/ui"`. Example: `"/admin/keys"`.
   */
  path?: string;
  /**
   * URL prefix under which `security.router()` is mounted, i.e. where the page sends its
   * `/_security/...` requests. Default: the prefix the admin UI itself is mounted under (`""` when
   * both are mounted at the application root). Example: `"/es"` for `app.use("/es", security.router())`.
   */
  apiBase?: string;
}

/** {@link AdminUiOptions} with every field validated and filled. */
export interface ResolvedAdminUiOptions {
  /** Normalized page path: leading `/`, no trailing `/`. */
  readonly path: string;
  /** The API prefix, or `undefined` to use the mount prefix of each request. */
  readonly apiBase: string | undefined;
}

const KNOWN = new Set(["path", "apiBase"]);
/**
 * Segments of RFC 3986 unreserved characters only: the path is matched literally, so characters
 * that Express route patterns or HTML would treat specially are kept out by construction.
 */
const SEGMENTS = /^(?:\/[A-Za-z0-9._~-]+)+$/;
const MAX_PATH_LENGTH = 256;

function fail(option: string, message: string): never {
  throw new TypeError(`express-keyguard: adminUi option ${option} ${message}`);
}

function urlPath(value: unknown, option: string, allowEmpty: boolean): string {
  const example = allowEmpty ? `"" or "/es"` : `"/_security/ui"`;
  if (typeof value !== "string") fail(option, `must be a string such as ${example} (got ${JSON.stringify(value) ?? typeof value})`);
  // One trailing slash is forgiven ("/es/" is "/es", "/" is the root).
  const trimmed = value.endsWith("/") ? value.slice(0, -1) : value;
  if (trimmed === "" && allowEmpty) return "";
  if (trimmed.length > MAX_PATH_LENGTH) fail(option, `must be at most ${MAX_PATH_LENGTH} characters`);
  if (!SEGMENTS.test(trimmed)) {
    fail(
      option,
      `must start with "/" and hold only letters, digits, "-", ".", "_", "~" and "/" between non-empty segments, such as ${example} (got ${JSON.stringify(value)})`,
    );
  }
  if (trimmed.split("/").some((segment) => segment === "." || segment === ".."))
    fail(option, `must not contain "." or ".." segments (got ${JSON.stringify(value)})`);
  return trimmed;
}

/**
 * Validates `adminUi()` options once, at construction.
 * @throws TypeError naming the option, the bad value and the expected form.
 */
export function resolveAdminUiOptions(options: unknown): ResolvedAdminUiOptions {
  if (options === undefined) return { path: "/_security/ui", apiBase: undefined };
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(
      `express-keyguard: adminUi(options) takes { path?: string, apiBase?: string } (got ${JSON.stringify(options) ?? typeof options})`,
    );
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!KNOWN.has(key)) fail(key, `is not an option of adminUi (known: ${[...KNOWN].join(", ")})`);
  }
  const path = given.path === undefined ? "/_security/ui" : urlPath(given.path, "path", false);
  const apiBase = given.apiBase === undefined ? undefined : urlPath(given.apiBase, "apiBase", true);
  return { path, apiBase };
}
