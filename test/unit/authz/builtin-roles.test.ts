import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BUILTIN_ROLES, SUPERUSER_ROLE } from "../../../lib/authz/builtin-roles.js";
import { parseRoleDescriptor } from "../../../lib/authz/parse-role-descriptor.js";

describe("built-in roles", () => {
  it("superuser is a frozen, valid, normalized descriptor", () => {
    assert.deepEqual([...BUILTIN_ROLES.keys()], ["superuser"]);
    assert.ok(Object.isFrozen(SUPERUSER_ROLE) && Object.isFrozen(SUPERUSER_ROLE.indices[0]));
    const { metadata: _metadata, ...rest } = SUPERUSER_ROLE;
    const reparsed = parseRoleDescriptor("superuser", JSON.parse(JSON.stringify({ ...rest, metadata: {} })));
    assert.deepEqual(reparsed, { ...JSON.parse(JSON.stringify(SUPERUSER_ROLE)), metadata: {} });
  });
});
