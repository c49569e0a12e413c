import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LimitedPermission } from "../../../lib/authz/limited-permission.js";
import { Permission } from "../../../lib/authz/permission.js";
import { SUPERUSER_ROLE } from "../../../lib/authz/builtin-roles.js";
import { parseRoleDescriptor } from "../../../lib/authz/parse-role-descriptor.js";

describe("LimitedPermission", () => {
  it("is the intersection of its two sides", () => {
    const superuser = Permission.fromDescriptors([SUPERUSER_ROLE]);
    const reader = Permission.fromDescriptors([
      parseRoleDescriptor("r", { indices: [{ names: ["a*"], privileges: ["read"] }], run_as: ["x"] }),
    ]);
    for (const limited of [new LimitedPermission(reader, superuser), new LimitedPermission(superuser, reader)]) {
      assert.equal(limited.checkIndex("a1", "read"), true);
      assert.equal(limited.checkIndex("a1", "write"), false);
      assert.equal(limited.checkIndex("b", "read"), false);
      assert.equal(limited.canRunAs("x"), true);
      assert.equal(limited.canRunAs("y"), false);
      assert.equal(limited.checkClusterPrivilege("monitor"), false);
      assert.equal(limited.isSuperuser, false);
    }
    assert.equal(new LimitedPermission(superuser, superuser).isSuperuser, true);
  });
});
