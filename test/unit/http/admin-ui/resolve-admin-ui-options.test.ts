import assert from "node:assert/strict";
import { describe, it } from "node:test";
import mongoose from "mongoose";
import { resolveAdminUiOptions } from "../../../../lib/http/admin-ui/resolve-admin-ui-options.js";
import { createSecurity } from "../../../../lib/index.js";

function rejection(options: unknown): string {
  try {
    resolveAdminUiOptions(options);
  } catch (error) {
    assert.ok(error instanceof TypeError, `expected a TypeError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`expected ${JSON.stringify(options)} to be refused`);
}

describe("adminUi option validation", () => {
  it("defaults to /_security/ui with the API next to the page's mount point", () => {
    assert.deepEqual(resolveAdminUiOptions(undefined), { path: "/_security/ui", apiBase: undefined });
    assert.deepEqual(resolveAdminUiOptions({}), { path: "/_security/ui", apiBase: undefined });
  });

  it("accepts plain paths and forgives one trailing slash", () => {
    assert.deepEqual(resolveAdminUiOptions({ path: "/admin/keys" }), { path: "/admin/keys", apiBase: undefined });
    assert.deepEqual(resolveAdminUiOptions({ path: "/admin/keys/" }), { path: "/admin/keys", apiBase: undefined });
    assert.deepEqual(resolveAdminUiOptions({ apiBase: "/es" }), { path: "/_security/ui", apiBase: "/es" });
    assert.deepEqual(resolveAdminUiOptions({ apiBase: "" }), { path: "/_security/ui", apiBase: "" });
    assert.deepEqual(resolveAdminUiOptions({ apiBase: "/" }), { path: "/_security/ui", apiBase: "" });
  });

  it("names the bad option, the value and the expected form", () => {
    assert.match(rejection(null), /adminUi\(options\) takes \{ path\?: string, apiBase\?: string \} \(got null\)/);
    assert.match(rejection("/ui"), /adminUi\(options\) takes/);
    assert.match(rejection([]), /adminUi\(options\) takes/);
    assert.match(rejection({ pth: "/ui" }), /adminUi option pth is not an option of adminUi \(known: path, apiBase\)/);
    assert.match(rejection({ path: 5 }), /adminUi option path must be a string such as "\/_security\/ui" \(got 5\)/);
    assert.match(rejection({ path: "ui" }), /option path must start with "\/".*\(got "ui"\)/);
    assert.match(rejection({ path: "/" }), /option path must start with "\/"/);
    assert.match(rejection({ path: "//ui" }), /option path/);
    assert.match(rejection({ path: "/a b" }), /option path/);
    assert.match(rejection({ path: "/:id" }), /option path/);
    assert.match(rejection({ path: "/ui/*" }), /option path/);
    assert.match(rejection({ path: "/a/../b" }), /must not contain "\." or "\.\." segments/);
    assert.match(rejection({ path: "/" + "a".repeat(300) }), /at most 256 characters/);
    assert.match(rejection({ apiBase: "es" }), /option apiBase must start with "\/"/);
    assert.match(rejection({ apiBase: "//evil.example" }), /option apiBase/);
    assert.match(rejection({ apiBase: "https://elsewhere.example" }), /option apiBase/);
  });

  it("is checked by security.adminUi(), which also needs API keys enabled", () => {
    const connection = mongoose.createConnection();
    const security = createSecurity({ connection });
    assert.equal(typeof security.adminUi(), "function");
    assert.throws(
      () => security.adminUi({ path: "no-slash" }),
      (error: unknown) => error instanceof TypeError && /option path/.test(error.message),
    );
    const disabled = createSecurity({ connection, apiKeys: { enabled: false } });
    assert.throws(
      () => disabled.adminUi(),
      (error: unknown) => error instanceof TypeError && /apiKeys\.enabled is false/.test(error.message),
    );
  });
});
