import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Authentication, type User } from "../../../lib/model/authentication.js";
import { Authorizer } from "../../../lib/authz/authorizer.js";
import { parseRoleDescriptor } from "../../../lib/authz/parse-role-descriptor.js";
import type { ApplicationPrivilegeStore } from "../../../lib/store/application-privilege-store.js";
import type { RoleStore } from "../../../lib/store/role-store.js";

// The permission cache sits on every guarded request's path; these tests pin down that its
// shortcuts (memoized role keys, the synchronous lookup guards use) never answer for a subject
// whose roles are not the ones the cached permission was built from.

const noRoles = { get: async () => new Map() } as unknown as RoleStore;
const noPrivileges = { list: async () => [] } as unknown as ApplicationPrivilegeStore;
const staticRoles = new Map([
  ["reader", parseRoleDescriptor("reader", { indices: [{ names: ["logs"], privileges: ["read"] }] })],
  ["writer", parseRoleDescriptor("writer", { indices: [{ names: ["logs"], privileges: ["write"] }] })],
]);

function subject(roles: string[]): Authentication {
  const user: User = { username: "ann", roles, full_name: null, email: null, metadata: {}, enabled: true };
  return new Authentication({ user, authenticationRealm: { name: "native", type: "native" }, type: "realm" });
}

describe("Authorizer permission cache", () => {
  it("serves a built permission synchronously, and nothing before it is built or after a role change", async () => {
    const authorizer = new Authorizer(noRoles, noPrivileges, { staticRoles, cacheTtlMs: 60_000 });
    const auth = subject(["reader"]);
    assert.equal(authorizer.cachedPermission(auth), undefined);
    const permission = await authorizer.permissionFor(auth);
    assert.equal(authorizer.cachedPermission(auth), permission);
    assert.equal(authorizer.cachedPermission(subject(["reader"])), permission, "same roles, same permission");
    authorizer.onRolesChanged(["reader"]);
    assert.equal(authorizer.cachedPermission(auth), undefined);
  });

  it("does not reuse the memoized key of a roles array changed in place", async () => {
    const authorizer = new Authorizer(noRoles, noPrivileges, { staticRoles, cacheTtlMs: 60_000 });
    const roles = ["reader"];
    const auth = subject(roles);
    const readOnly = await authorizer.permissionFor(auth);
    assert.equal(readOnly.checkIndex("logs", "write"), false);
    roles.push("writer");
    assert.notEqual(authorizer.cachedPermission(auth), readOnly);
    const readWrite = await authorizer.permissionFor(auth);
    assert.equal(readWrite.checkIndex("logs", "write"), true);
    roles.splice(0, roles.length, "writer", "reader");
    assert.equal(await authorizer.permissionFor(auth), readWrite, "the key does not depend on role order");
  });

  it("honours the cache TTL in the synchronous lookup too", async () => {
    const authorizer = new Authorizer(noRoles, noPrivileges, { staticRoles, cacheTtlMs: 0 });
    const auth = subject(["reader"]);
    await authorizer.permissionFor(auth);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(authorizer.cachedPermission(auth), undefined);
  });
});
