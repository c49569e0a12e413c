import { KEY_DIALOGS_MARKUP } from "./render-key-dialogs.js";
import { KEYS_TAB_MARKUP } from "./render-keys-tab.js";
import { PASSWORD_DIALOG_MARKUP } from "./render-password-dialog.js";
import { ROLES_TAB_MARKUP } from "./render-roles-tab.js";
import { USERS_TAB_MARKUP } from "./render-users-tab.js";

/** What {@link renderAdminPage} fills in. */
export interface AdminPageParts {
  /**
   * URL path the script modules and style sheet are served under (`<assetBase>/admin-ui.css`):
   * a folder named after their content, so the browser may keep them for good.
   */
  assetBase: string;
  /** URL prefix of the `/_security/*` API, handed to the script in a `<meta>` tag. */
  apiBase: string;
  /** File name of the entry module, loaded with `<script type="module">`. */
  entry: string;
  /** File names of the modules the entry imports, preloaded so they load in parallel. */
  preloads: readonly string[];
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for an HTML attribute value or element content. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * The admin page's HTML. Static markup only: every dynamic value reaches the page through
 * `textContent` in the script, and the two values known on the server (asset and API prefixes)
 * are escaped here. No inline script or style, so the page runs under a strict CSP.
 */
export function renderAdminPage(parts: AdminPageParts): string {
  const assets = escapeHtml(parts.assetBase);
  const api = escapeHtml(parts.apiBase);
  const preloads = parts.preloads.map((name) => `<link rel="modulepreload" href="${assets}/${escapeHtml(name)}">\n`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<meta name="keyguard-api-base" content="${api}">
<title>Security administration</title>
<link rel="stylesheet" href="${assets}/admin-ui.css">
<script type="module" src="${assets}/${escapeHtml(parts.entry)}"></script>
${preloads}</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="top-bar">
  <h1 class="brand">Security administration</h1>
  <div id="who" class="who" hidden>
    <span>Signed in as <strong id="who-name"></strong> <span id="who-detail" class="muted"></span></span>
    <button type="button" id="sign-out" class="button secondary">Sign out</button>
  </div>
</header>
<div id="notice" class="notice" role="status" aria-live="polite" hidden></div>
<main id="main" tabindex="-1">
  <noscript><p class="error-text">This page needs JavaScript.</p></noscript>

  <section id="sign-in-view" class="card narrow" aria-labelledby="sign-in-title" hidden>
    <h2 id="sign-in-title" tabindex="-1">Sign in</h2>
    <p class="muted">Requests go to this server's <code>/_security</code> API with the credentials you enter here.</p>
    <form id="sign-in-form" novalidate>
      <fieldset class="choice">
        <legend>Sign in with</legend>
        <label><input type="radio" name="method" value="password" checked> Username and password</label>
        <label><input type="radio" name="method" value="api_key"> API key</label>
      </fieldset>
      <div id="password-fields">
        <div class="field">
          <label for="sign-in-username">Username</label>
          <input id="sign-in-username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false">
        </div>
        <div class="field">
          <label for="sign-in-password">Password</label>
          <input id="sign-in-password" name="password" type="password" autocomplete="current-password">
        </div>
      </div>
      <div id="api-key-fields" hidden>
        <div class="field">
          <label for="sign-in-api-key">Encoded API key</label>
          <input id="sign-in-api-key" name="api_key" type="password" autocomplete="off" spellcheck="false" aria-describedby="sign-in-api-key-hint">
          <p id="sign-in-api-key-hint" class="hint">The <code>encoded</code> value, or <code>id:api_key</code>.</p>
        </div>
      </div>
      <div class="field checkbox">
        <label><input type="checkbox" id="sign-in-remember" aria-describedby="sign-in-remember-hint"> Stay signed in for this tab</label>
        <p id="sign-in-remember-hint" class="hint">Off by default. When on, your credentials are kept in this tab's session storage until you sign out or close the tab; nothing is kept in local storage.</p>
      </div>
      <p id="sign-in-error" class="error-text" role="alert" hidden></p>
      <button type="submit" class="button primary" id="sign-in-submit">Sign in</button>
    </form>
  </section>

  <div id="tabs" class="tabs" role="tablist" aria-label="What to manage" hidden>
    <button type="button" role="tab" class="tab" id="tab-keys" data-tab="keys" aria-controls="keys-view" aria-selected="false" tabindex="-1" hidden>API keys</button>
    <button type="button" role="tab" class="tab" id="tab-roles" data-tab="roles" aria-controls="roles-view" aria-selected="false" tabindex="-1" hidden>Roles</button>
    <button type="button" role="tab" class="tab" id="tab-users" data-tab="users" aria-controls="users-view" aria-selected="false" tabindex="-1" hidden>Users</button>
  </div>
  <p id="no-tabs" class="card" hidden>Signed in, but this account holds none of the privileges this page needs (<code>manage_own_api_key</code>, <code>manage_api_key</code>, <code>read_security</code> or <code>manage_security</code>).</p>

${KEYS_TAB_MARKUP}
  ${ROLES_TAB_MARKUP}
  ${USERS_TAB_MARKUP}</main>

${KEY_DIALOGS_MARKUP}
${PASSWORD_DIALOG_MARKUP}</body>
</html>
`;
}
