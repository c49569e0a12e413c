import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isReserved, roleJson, roleRows } from "../../../lib/admin-ui/role-presentation.js";

describe("admin UI: how roles are shown", () => {
  it("lists roles by name, marking those with metadata._reserved", () => {
    const rows = roleRows({
      writer: {
        cluster: ["monitor"],
        indices: [{ names: ["logs-*", "metrics-*"], privileges: ["read", "write"] }],
        applications: [{ application: "shop", privileges: ["read"], resources: ["*"] }],
      },
      superuser: { cluster: ["all"], metadata: { _reserved: true } },
      empty: {},
    });
    assert.deepEqual(
      rows.map((row) => [row.name, row.reserved]),
      [
        ["empty", false],
        ["superuser", true],
        ["writer", false],
      ],
    );
    assert.deepEqual(rows[2], {
      name: "writer",
      reserved: false,
      cluster: "monitor",
      indices: "logs-*, metrics-* (read, write)",
      applications: "shop (read)",
    });
    assert.deepEqual(roleRows(null), []);
  });

  it("counts only a true _reserved, and shows a descriptor as indented JSON", () => {
    assert.equal(isReserved({ _reserved: "true" }), false);
    assert.equal(isReserved(undefined), false);
    assert.equal(roleJson({ cluster: ["all"] }), '{\n  "cluster": [\n    "all"\n  ]\n}');
  });
});
