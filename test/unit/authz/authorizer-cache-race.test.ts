import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Authentication, API_KEY_REALM, type User } from "../../../lib/model/authentication.js";
import { Authorizer } from "../../../lib/authz/authorizer.js";
import { parseRoleDescriptor } from "../../../lib/authz/parse-role-descriptor.js";
import type { RoleDescriptor } from "../../../lib/model/role-descriptor.js";
import type { ApplicationPrivilegeStore } from "../../../lib/store/application-privilege-store.js";
import type { RoleStore } from "../../../lib/store/role-store.js";

// Loads that race a change: the role store answers with the old definition *after* the change
// event evicted it. The old definition may serve that one request, never the cache.

const read = parseRoleDescriptor("r", { indices: [{ names: ["logs"], privileges: ["read"] }] });
const none = parseRoleDescriptor("r", { indices: [{ names: ["other"], privileges: ["read"] }] });
const noPrivileges = { list: async () => [] } as unknown as ApplicationPrivilegeStore;

function user(roles: string[]): Authentication {
  const u: User = { username: "ann", roles, full_name: null, email: null, metadata: {}, enabled: true };
  return new Authentication({ user: u, authenticationRealm: { name: "native", type: "native" }, type: "realm" });
}

describe("Authorizer caches under racing changes", () => {
  it("a role loaded before a change but answered after it is not cached", async () => {
    let current: RoleDescriptor = read;
    let release: (() => void) | undefined;
    const roles = {
      get: async (names: string[]) => {
        const answer = new Map(names.map((n) => [n, current]));
        await new Promise<void>((resolve) => (release = resolve));
        return answer;
      },
    } as unknown as RoleStore;
    const authorizer = new Authorizer(roles, noPrivileges, { staticRoles: new Map(), cacheTtlMs: 60_000 });
    const racing = authorizer.permissionFor(user(["r"]));
    await new Promise((resolve) => setImmediate(resolve));
    current = none;
    authorizer.onRolesChanged(["r"]);
    release?.();
    assert.equal((await racing).checkIndex("logs", "read"), true, "the racing request sees what it read");
    const next = authorizer.permissionFor(user(["r"]));
    await new Promise((resolve) => setImmediate(resolve));
    release?.();
    assert.equal((await next).checkIndex("logs", "read"), false, "the next request reads the new role, not a cached old one");
  });

  it("an API key's permission built from an older snapshot of the key is not served for a newer one", async () => {
    const authorizer = new Authorizer({ get: async () => new Map() } as unknown as RoleStore, noPrivileges, {
      staticRoles: new Map(),
      cacheTtlMs: 60_000,
    });
    const key = (descriptor: RoleDescriptor) =>
      new Authentication({
        user: { username: "ann", roles: [], full_name: null, email: null, metadata: {}, enabled: true },
        authenticationRealm: API_KEY_REALM,
        type: "api_key",
        apiKey: {
          id: "k1",
          name: "k",
          metadata: {},
          roleDescriptors: {},
          limitedBy: { r: descriptor },
          creatorRealm: { name: "native", type: "native" },
        },
      });
    const before = key(read);
    const after = key(none);
    assert.equal((await authorizer.permissionFor(before)).checkIndex("logs", "read"), true);
    assert.equal((await authorizer.permissionFor(after)).checkIndex("logs", "read"), false);
    assert.equal(authorizer.cachedPermission(before), undefined, "the cache now holds the newer snapshot's permission");
  });
});
