import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ADMIN_UI_CONTENT_SECURITY_POLICY } from "../../../lib/http/admin-ui/create-admin-ui.js";
import { startAdminUiApp, type AdminUiApp } from "./admin-ui-app.js";
import { assertExpressUnderTest, EXPRESS_MAJOR_UNDER_TEST } from "../../support/assert-express-under-test.js";

function assertHardened(headers: Headers): void {
  assert.equal(headers.get("content-security-policy"), ADMIN_UI_CONTENT_SECURITY_POLICY);
  assert.equal(headers.get("x-content-type-options"), "nosniff");
  assert.equal(headers.get("referrer-policy"), "no-referrer");
  assert.equal(headers.get("x-frame-options"), "DENY");
}

describe("admin UI over HTTP (mounted at the root)", () => {
  let t: AdminUiApp;
  before(async () => {
    t = await startAdminUiApp("admin_ui_http");
  });
  after(() => t.close());

  it(`runs on Express ${EXPRESS_MAJOR_UNDER_TEST}, the library's own import included`, () => {
    assertExpressUnderTest(t.security.router());
  });

  it("serves the page without credentials, under a strict CSP", async () => {
    for (const path of ["/_security/ui", "/_security/ui/"]) {
      const res = await t.call("GET", path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
      assert.equal(res.headers.get("cache-control"), "no-store");
      assertHardened(res.headers);
      assert.match(res.text, /<title>Security administration<\/title>/);
      assert.match(res.text, /<meta name="keyguard-api-base" content="">/);
      assert.match(res.text, /<script type="module" src="\/_security\/ui\/[0-9a-f]{12}\/admin-ui\.js"><\/script>/);
      assert.match(res.text, /<link rel="stylesheet" href="\/_security\/ui\/[0-9a-f]{12}\/admin-ui\.css">/);
    }
    const policy = ADMIN_UI_CONTENT_SECURITY_POLICY;
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, /script-src 'self'(;|$)/);
    assert.match(policy, /connect-src 'self'/);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
    assert.match(policy, /require-trusted-types-for 'script'; trusted-types 'none'/);
  });

  it("holds the three tabs, hidden until sign-in, and every dialog, with no inline script, style or handler", async () => {
    const html = (await t.call("GET", "/_security/ui")).text;
    for (const [id, controls] of [
      ["tab-keys", "keys-view"],
      ["tab-roles", "roles-view"],
      ["tab-users", "users-view"],
    ])
      assert.match(html, new RegExp(`role="tab" class="tab" id="${id}" data-tab="\\w+" aria-controls="${controls}"[^>]* hidden>`));
    assert.match(html, /<div id="tabs" class="tabs" role="tablist"[^>]* hidden>/);
    for (const id of ["confirm-dialog", "limits-dialog", "credits-dialog", "password-dialog"])
      assert.match(html, new RegExp(`<dialog id="${id}"`));
    assert.equal((html.match(/<script/g) ?? []).length, 1, "one script element, the entry module");
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/);
    // The password fields are never prefilled.
    assert.match(html, /<input id="password-new" type="password" autocomplete="new-password"/);
  });

  it("serves the script and styles with validators, and 304 when unchanged; cached for good under the version", async () => {
    const version = /src="\/_security\/ui\/([0-9a-f]{12})\/admin-ui\.js"/.exec((await t.call("GET", "/_security/ui")).text)?.[1];
    assert.ok(version);
    for (const [path, type, cacheControl] of [
      ["/_security/ui/admin-ui.js", "text/javascript; charset=utf-8", "no-cache"],
      ["/_security/ui/admin-ui.css", "text/css; charset=utf-8", "no-cache"],
      [`/_security/ui/${version}/admin-ui.js`, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"],
      [`/_security/ui/${version}/admin-ui.css`, "text/css; charset=utf-8", "public, max-age=31536000, immutable"],
    ] as const) {
      const res = await t.call("GET", path);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), type);
      assert.equal(res.headers.get("cache-control"), cacheControl, path);
      assertHardened(res.headers);
      assert.ok(res.text.length > 1000);
      const etag = res.headers.get("etag");
      assert.match(etag ?? "", /^"[A-Za-z0-9_-]+"$/);
      const again = await t.call("GET", path, { headers: { "if-none-match": etag as string } });
      assert.equal(again.status, 304);
      assert.equal(again.text, "");
      const stale = await t.call("GET", path, { headers: { "if-none-match": '"other"' } });
      assert.equal(stale.status, 200);
    }
  });

  it("serves every module the entry imports, each one it preloads, as JavaScript", async () => {
    const page = (await t.call("GET", "/_security/ui")).text;
    const entry = /<script type="module" src="([^"]+)"><\/script>/.exec(page)?.[1] as string;
    const folder = entry.slice(0, entry.lastIndexOf("/"));
    const preloads = [...page.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1] as string);
    assert.ok(preloads.length >= 10, `the page's script is split into modules (${preloads.length} preloaded)`);
    const served = new Map<string, string>();
    const pending = [entry];
    while (pending.length > 0) {
      const path = pending.pop() as string;
      if (served.has(path)) continue;
      const res = await t.call("GET", path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get("content-type"), "text/javascript; charset=utf-8", path);
      assertHardened(res.headers);
      served.set(path, res.text);
      for (const [, target] of res.text.matchAll(/from "\.\/([a-z0-9-]+\.js)"/g)) pending.push(`${folder}/${target}`);
    }
    // Exactly the entry's import graph is preloaded: nothing missing, nothing extra.
    assert.deepEqual([...served.keys()].filter((p) => p !== entry).sort(), [...preloads].sort());
    assert.equal((await t.call("GET", "/_security/ui/missing-module.js")).status, 401, "no such module: left to the router");
    assert.equal((await t.call("GET", "/_security/ui/000000000000/admin-ui.js")).status, 401, "another version: left to the router");
  });

  it("answers HEAD without a body", async () => {
    const res = await t.call("HEAD", "/_security/ui");
    assert.equal(res.status, 200);
    assert.equal(res.text, "");
    assert.ok(Number(res.headers.get("content-length")) > 1000);
  });

  it("leaves every other request to the next middleware (the router still authenticates)", async () => {
    assert.equal((await t.call("POST", "/_security/ui")).status, 401);
    assert.equal((await t.call("GET", "/_security/ui/other.js")).status, 401);
    assert.equal((await t.call("GET", "/_security/_authenticate")).status, 401);
    const ok = await t.admin("GET", "/_security/_authenticate");
    assert.equal(ok.status, 200);
    assert.equal(ok.body.username, "elastic");
  });
});

describe("admin UI under a mount prefix and a custom path", () => {
  let t: AdminUiApp;
  before(async () => {
    t = await startAdminUiApp("admin_ui_prefix", { prefix: "/es", ui: { path: "/keys" } });
  });
  after(() => t.close());

  it("points the page at the prefixed API and assets", async () => {
    const res = await t.call("GET", "/es/keys");
    assert.equal(res.status, 200);
    assert.match(res.text, /<meta name="keyguard-api-base" content="\/es">/);
    const version = /src="\/es\/keys\/([0-9a-f]{12})\/admin-ui\.js"/.exec(res.text)?.[1];
    assert.ok(version, "the entry module is under the prefixed path");
    assert.match(res.text, new RegExp(`<link rel="modulepreload" href="/es/keys/${version}/key-table\\.js">`));
    assert.equal((await t.call("GET", `/es/keys/${version}/admin-ui.css`)).status, 200);
    assert.equal((await t.call("GET", "/es/keys/admin-ui.css")).status, 200);
    assert.equal((await t.call("GET", "/_security/ui")).status, 404);
    assert.equal((await t.admin("GET", "/es/_security/_authenticate")).status, 200);
  });
});

describe("admin UI with an explicit apiBase", () => {
  let t: AdminUiApp;
  before(async () => {
    t = await startAdminUiApp("admin_ui_apibase", { ui: { apiBase: "/api/" } });
  });
  after(() => t.close());

  it("hands the configured prefix to the page", async () => {
    const res = await t.call("GET", "/_security/ui");
    assert.match(res.text, /<meta name="keyguard-api-base" content="\/api">/);
  });
});
