import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ADMIN_UI_ENTRY, readAdminUiScripts } from "../../../../lib/http/admin-ui/read-admin-ui-scripts.js";

describe("admin UI: the browser modules it serves", () => {
  const dir = mkdtempSync(join(tmpdir(), "keyguard-admin-ui-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses to start without the browser build", () => {
    assert.throws(() => readAdminUiScripts(dir), /the admin UI's browser build is missing \(admin-ui\.js next to the package's modules\)/);
  });

  it("serves plain module names only, as JavaScript", () => {
    writeFileSync(join(dir, ADMIN_UI_ENTRY), 'import "./key-table.js";\n');
    writeFileSync(join(dir, "key-table.js"), "export {};\n");
    for (const other of ["key-table.js.map", "Upper.js", "notes.txt", ".hidden.js", "types.d.ts"]) writeFileSync(join(dir, other), "x");
    mkdirSync(join(dir, "nested.js"));
    const scripts = readAdminUiScripts(dir);
    assert.deepEqual([...scripts.keys()], ["admin-ui.js", "key-table.js"]);
    const entry = scripts.get("admin-ui.js");
    assert.equal(entry?.type, "text/javascript; charset=utf-8");
    assert.equal(entry?.body.toString("utf8"), 'import "./key-table.js";\n');
    assert.match(entry?.etag ?? "", /^"[A-Za-z0-9_-]{27}"$/);
  });

  it("finds the real build beside the package's compiled modules", () => {
    const scripts = readAdminUiScripts();
    assert.ok(scripts.has(ADMIN_UI_ENTRY));
    // Every relative import of every module is itself served.
    for (const [name, script] of scripts) {
      for (const [, target] of script.body.toString("utf8").matchAll(/from "\.\/([^"]+)"/g))
        assert.ok(scripts.has(target as string), `${name} imports ./${target}, which is not served`);
    }
  });
});
