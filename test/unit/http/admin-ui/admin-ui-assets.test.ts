import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ADMIN_UI_STYLES } from "../../../../lib/http/admin-ui/admin-ui-styles.js";
import { escapeHtml, renderAdminPage } from "../../../../lib/http/admin-ui/render-admin-page.js";

const page = renderAdminPage({
  assetBase: "/_security/ui/abc123",
  apiBase: "",
  entry: "admin-ui.js",
  preloads: ["api-client.js", "key-table.js"],
});

/** Every `id="…"` of the page. */
function idsOf(html: string): Set<string> {
  return new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1] as string));
}

describe("admin UI assets", () => {
  it("the page has no inline script, style or event handler (it runs under script-src 'self')", () => {
    assert.doesNotMatch(page, /<script(?![^>]*\ssrc=)[^>]*>/);
    assert.doesNotMatch(page, /<style|\sstyle=|\son[a-z]+=/i);
    assert.match(page, /<script type="module" src="\/_security\/ui\/abc123\/admin-ui\.js"><\/script>/);
    // The very URLs the entry's relative imports resolve to, or the preloads would be wasted.
    assert.match(
      page,
      /<link rel="modulepreload" href="\/_security\/ui\/abc123\/api-client\.js">\n<link rel="modulepreload" href="\/_security\/ui\/abc123\/key-table\.js">/,
    );
    assert.match(page, /<link rel="stylesheet" href="\/_security\/ui\/abc123\/admin-ui\.css">/);
  });

  it("every form control has a label", () => {
    const ids = idsOf(page);
    const labelled = new Set([...page.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1] as string));
    // [whole tag, element name, attributes]
    const controls = [...page.matchAll(/<(input|select|textarea)\b([^>]*)>/g)];
    assert.ok(controls.length > 10);
    for (const [control, , attributes = ""] of controls) {
      const id = /\sid="([^"]+)"/.exec(attributes)?.[1];
      const named = /aria-label=/.test(attributes) || (id !== undefined && labelled.has(id));
      // Radios and checkboxes wrapped in their <label> are labelled by it.
      const wrapped = /type="(radio|checkbox)"/.test(attributes) && page.includes(`<label>${control}`);
      assert.ok(named || wrapped, `unlabelled control: ${control}`);
    }
    assert.ok(ids.size > 50);
  });

  it("escapes the server-side values it embeds", () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    const hostile = renderAdminPage({
      assetBase: '/x"><script>alert(1)</script>',
      apiBase: '"><b>',
      entry: "admin-ui.js",
      preloads: ["a.js"],
    });
    assert.doesNotMatch(hostile, /<script>alert|"><b>/);
    assert.match(hostile, /content="&quot;&gt;&lt;b&gt;"/);
  });

  it("the style sheet has a phone-width layout and visible focus", () => {
    assert.match(ADMIN_UI_STYLES, /@media \(max-width: 720px\)/);
    assert.match(ADMIN_UI_STYLES, /:focus-visible/);
    assert.doesNotMatch(ADMIN_UI_STYLES, /@import|url\(/);
  });
});
