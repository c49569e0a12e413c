import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ApplicationPrivilegeLookup } from "../../../lib/authz/application-privileges.js";
import { BUILTIN_ROLES, SUPERUSER_ROLE } from "../../../lib/authz/builtin-roles.js";
import { LimitedPermission } from "../../../lib/authz/limited-permission.js";
import { Permission } from "../../../lib/authz/permission.js";
import { parseRoleDescriptor, parseRoleDescriptorMap } from "../../../lib/authz/parse-role-descriptor.js";
import type { RoleDescriptor } from "../../../lib/model/role-descriptor.js";

const S = "cluster:admin/xpack/security/";
const lookup: ApplicationPrivilegeLookup = (app, name) =>
  app === "myapp" ? ({ read: ["data:read/*"], write: ["data:write/*"] } as Record<string, string[]>)[name] : undefined;

const role = (body: unknown): RoleDescriptor => parseRoleDescriptor("r", body);

describe("Permission: cluster", () => {
  it("grants actions of unconditional privileges only", () => {
    const p = Permission.fromDescriptors([role({ cluster: ["manage_api_key"] })]);
    assert.equal(p.grantsClusterAction(S + "api_key/create"), true);
    assert.equal(p.grantsClusterAction(S + "api_key/grant"), true);
    assert.equal(p.grantsClusterAction(S + "user/put"), false);

    const manage = Permission.fromDescriptors([role({ cluster: ["manage"] })]);
    assert.equal(manage.grantsClusterAction("cluster:monitor/main"), true);
    assert.equal(manage.grantsClusterAction(S + "api_key/create"), false);

    const actions = Permission.fromDescriptors([role({ cluster: [S + "api_key/get"] })]);
    assert.equal(actions.grantsClusterAction(S + "api_key/get"), true);
    assert.equal(actions.grantsClusterAction(S + "api_key/create"), false);
  });

  it("manage_own_api_key applies only to own-key requests, never to grant", () => {
    const p = Permission.fromDescriptors([role({ cluster: ["manage_own_api_key"] })]);
    assert.equal(p.hasOwnApiKeyPrivilege(), true);
    assert.equal(p.grantsClusterAction(S + "api_key/create"), false);
    assert.equal(p.grantsClusterAction(S + "api_key/create", { ownApiKeyRequest: true }), true);
    assert.equal(p.grantsClusterAction(S + "api_key/grant", { ownApiKeyRequest: true }), false);
    assert.equal(p.grantsClusterAction(S + "user/get", { ownApiKeyRequest: true }), false);
    assert.equal(Permission.fromDescriptors([role({ cluster: ["manage_api_key"] })]).hasOwnApiKeyPrivilege(), true);
    assert.equal(Permission.fromDescriptors([role({ cluster: ["read_security"] })]).hasOwnApiKeyPrivilege(), false);
  });

  it("checkClusterPrivilege: a name is granted iff all its actions are", () => {
    const p = Permission.fromDescriptors([role({ cluster: ["manage_security"] })]);
    for (const name of [
      "manage_api_key",
      "grant_api_key",
      "read_security",
      "manage_token",
      "manage_own_api_key",
      "none",
      S + "user/put",
      S + "user/*",
    ]) {
      assert.equal(p.checkClusterPrivilege(name), true, name);
    }
    // manage_security excludes delegate_pki, so the whole security namespace is not covered.
    for (const name of ["all", "manage", "monitor", "delegate_pki", "cluster:*", S + "*", "unknown"]) {
      assert.equal(p.checkClusterPrivilege(name), false, name);
    }
    const all = Permission.fromDescriptors([role({ cluster: ["all"] })]);
    assert.equal(all.checkClusterPrivilege("manage"), true);
    assert.equal(all.checkClusterPrivilege("monitor"), true);
    const manage = Permission.fromDescriptors([role({ cluster: ["manage"] })]);
    assert.equal(manage.checkClusterPrivilege("monitor"), true);
    assert.equal(manage.checkClusterPrivilege("manage_api_key"), false);
    const union = Permission.fromDescriptors([role({ cluster: ["manage"] }), role({ cluster: ["manage_security", "delegate_pki"] })]);
    assert.equal(union.checkClusterPrivilege("all"), true);
  });
});

describe("Permission: indices", () => {
  const p = Permission.fromDescriptors([
    role({
      indices: [
        { names: ["index-a"], privileges: ["read"] },
        { names: ["logs-*"], privileges: ["read", "view_index_metadata"] },
      ],
    }),
    role({ indices: [{ names: ["logs-*"], privileges: ["indices:data/write/index"] }] }),
  ]);

  it("uses pattern coverage: a requested * is not covered by index-a", () => {
    assert.equal(p.checkIndex("index-a", "read"), true);
    assert.equal(p.checkIndex("*", "read"), false);
    assert.equal(p.checkIndex("index-*", "read"), false);
    assert.equal(p.checkIndex("logs-2024", "read"), true);
    assert.equal(p.checkIndex("logs-2024-*", "read"), true);
    assert.equal(p.checkIndex("index-a", "write"), false);
  });

  it("unions privileges of every group that covers the name", () => {
    assert.equal(p.checkIndex("logs-x", "indices:data/write/index"), true);
    assert.equal(p.checkIndex("logs-x", "create_doc"), false);
    assert.equal(p.checkIndex("logs-x", "indices:data/read/search"), true);
    assert.equal(p.checkIndex("logs-x", "indices:admin/mappings/fields/get"), true);
    // A requested action `x` stands for `x*` (as in Elasticsearch), which view_index_metadata's exact
    // `indices:admin/get` does not cover.
    assert.equal(p.checkIndex("logs-x", "indices:admin/get"), false);
    assert.equal(p.checkIndex("logs-x", "nonsense"), false);
  });

  it("privilege implication follows action sets", () => {
    const all = Permission.fromDescriptors([role({ indices: [{ names: ["*"], privileges: ["all"] }] })]);
    for (const privilege of ["read", "write", "index", "manage", "delete_index", "none"])
      assert.equal(all.checkIndex("*", privilege), true);
    const write = Permission.fromDescriptors([role({ indices: [{ names: ["*"], privileges: ["write"] }] })]);
    assert.equal(write.checkIndex("x", "index"), true);
    assert.equal(write.checkIndex("x", "create_doc"), true);
    assert.equal(write.checkIndex("x", "read"), false);
  });

  it("restricted indices need allow_restricted_indices", () => {
    const plain = Permission.fromDescriptors([role({ indices: [{ names: ["*"], privileges: ["all"] }] })]);
    assert.equal(plain.checkIndex(".security-7", "read"), false);
    assert.equal(plain.checkIndex("*", "read"), true);
    assert.equal(plain.checkIndex("*", "read", { allowRestrictedIndices: true }), false);
    const restricted = Permission.fromDescriptors([
      role({ indices: [{ names: ["*"], privileges: ["read"], allow_restricted_indices: true }] }),
    ]);
    assert.equal(restricted.checkIndex(".security-7", "read"), true);
    assert.equal(restricted.checkIndex("*", "read", { allowRestrictedIndices: true }), true);
  });
});

describe("Permission: memoized answers", () => {
  it("never answers one question with another's answer when names contain separators", () => {
    const p = Permission.fromDescriptors([
      role({
        indices: [{ names: ["a"], privileges: ["all"] }],
        applications: [{ application: "app", privileges: ["data:*"], resources: ["r"] }],
      }),
    ]);
    // Asked first, and granted: index `a`, action pattern `indices:x<NUL>read`.
    assert.equal(p.checkIndex("a", "indices:x\u0000read"), true);
    // Same characters, split differently: index `a<NUL>indices:x` is not covered by `a`.
    assert.equal(p.checkIndex("a\u0000indices:x", "read"), false);
    assert.equal(p.checkApplication("app", "data:read", "r"), true);
    assert.equal(p.checkApplication("app", "data:read\u0000r", ""), false);
    assert.equal(p.checkApplication("app\u0000data:read", "r", ""), false);
  });
});

describe("Permission: applications", () => {
  it("resolves granted and requested names through the lookup (YAML api_key/10)", () => {
    const p = Permission.fromDescriptors(
      [role({ applications: [{ application: "myapp", privileges: ["read"], resources: ["*"] }] })],
      lookup,
    );
    assert.equal(p.checkApplication("myapp", "data:read/me", "*"), true);
    assert.equal(p.checkApplication("myapp", "data:write/me", "*"), false);
    assert.equal(p.checkApplication("myapp", "data:read/me", "some-other-res"), true);
    assert.equal(p.checkApplication("myapp", "read", "x"), true);
    assert.equal(p.checkApplication("myapp", "write", "x"), false);
    assert.equal(p.checkApplication("myapp", "undefined-name", "x"), false);
    assert.equal(p.checkApplication("otherapp", "data:read/me", "x"), false);
  });

  it("applies resource coverage and application wildcards", () => {
    const p = Permission.fromDescriptors(
      [role({ applications: [{ application: "my*", privileges: ["data:*"], resources: ["orders/*"] }] })],
      lookup,
    );
    assert.equal(p.checkApplication("myapp", "read", "orders/1"), true);
    assert.equal(p.checkApplication("myapp", "read", "orders/*"), true);
    assert.equal(p.checkApplication("myapp", "read", "*"), false);
    assert.equal(p.checkApplication("myapp", "read", "users/1"), false);
  });

  it("without a lookup only action strings grant", () => {
    const p = Permission.fromDescriptors([role({ applications: [{ application: "myapp", privileges: ["read"], resources: ["*"] }] })]);
    assert.equal(p.checkApplication("myapp", "data:read/me", "x"), false);
  });
});

describe("Permission: run-as and superuser", () => {
  it("matches run_as patterns", () => {
    const p = Permission.fromDescriptors([role({ run_as: ["svc-*", "alice"] })]);
    assert.equal(p.canRunAs("svc-1"), true);
    assert.equal(p.canRunAs("alice"), true);
    assert.equal(p.canRunAs("bob"), false);
    assert.equal(Permission.fromDescriptors([]).canRunAs("bob"), false);
  });

  it("SUPERUSER_ROLE grants everything", () => {
    assert.equal(BUILTIN_ROLES.get("superuser"), SUPERUSER_ROLE);
    assert.ok(Object.isFrozen(SUPERUSER_ROLE));
    const p = Permission.fromDescriptors([SUPERUSER_ROLE], lookup);
    assert.equal(p.isSuperuser, true);
    assert.equal(p.grantsClusterAction(S + "api_key/grant"), true);
    assert.equal(p.checkIndex(".security-7", "all"), true);
    assert.equal(p.checkApplication("myapp", "write", "*"), true);
    assert.equal(p.canRunAs("anyone"), true);
    assert.equal(Permission.fromDescriptors([role({ cluster: ["all"] })]).isSuperuser, false);
  });
});

describe("LimitedPermission (API keys)", () => {
  // YAML api_key/10: admin_role is the limited-by snapshot, role-a + role-b are assigned.
  const limitedBy = Permission.fromDescriptors(
    Object.values(
      parseRoleDescriptorMap({
        admin_role: {
          cluster: ["manage_api_key"],
          indices: [{ names: "*", privileges: ["all"] }],
          applications: [{ application: "myapp", privileges: ["*"], resources: ["*"] }],
        },
      }),
    ),
    lookup,
  );
  const assigned = Permission.fromDescriptors(
    Object.values(
      parseRoleDescriptorMap(
        {
          "role-a": {
            cluster: ["all"],
            index: [{ names: ["index-a"], privileges: ["read"] }],
            applications: [{ application: "myapp", privileges: ["read"], resources: ["*"] }],
          },
          "role-b": { cluster: ["manage"], index: [{ names: ["index-b"], privileges: ["all"] }] },
        },
        { forApiKey: true },
      ),
    ),
    lookup,
  );
  const key = Permission.intersect(assigned, limitedBy);

  it("allows only what both sides allow", () => {
    assert.ok(key instanceof LimitedPermission);
    assert.equal(key.grantsClusterAction(S + "api_key/create"), true);
    assert.equal(key.grantsClusterAction(S + "user/put"), false);
    assert.equal(key.grantsClusterAction("cluster:monitor/main"), false);
    assert.equal(key.checkClusterPrivilege("manage_api_key"), true);
    assert.equal(key.checkClusterPrivilege("all"), false);
    assert.equal(key.checkIndex("index-a", "read"), true);
    assert.equal(key.checkIndex("index-a", "write"), false);
    assert.equal(key.checkIndex("index-b", "write"), true);
    assert.equal(key.checkIndex("*", "read"), false);
    assert.equal(key.checkApplication("myapp", "data:read/me", "*"), true);
    assert.equal(key.checkApplication("myapp", "data:write/me", "some-other-res"), false);
    assert.equal(key.canRunAs("x"), false);
    assert.equal(key.isSuperuser, false);
  });

  it("own-key rules apply on both sides", () => {
    const own = Permission.fromDescriptors([role({ cluster: ["manage_own_api_key"] })]);
    const viaManage = Permission.intersect(own, limitedBy);
    assert.equal(viaManage.hasOwnApiKeyPrivilege(), true);
    assert.equal(viaManage.grantsClusterAction(S + "api_key/get"), false);
    assert.equal(viaManage.grantsClusterAction(S + "api_key/get", { ownApiKeyRequest: true }), true);
    const noOwn = Permission.intersect(own, Permission.fromDescriptors([role({ cluster: ["monitor"] })]));
    assert.equal(noOwn.hasOwnApiKeyPrivilege(), false);
  });

  it("a derived key (empty limited-by) is authorized for nothing", () => {
    const derived = Permission.intersect(Permission.fromDescriptors([role({})]), Permission.fromDescriptors([]));
    assert.equal(derived.grantsClusterAction(S + "api_key/create", { ownApiKeyRequest: true }), false);
    assert.equal(derived.checkIndex("x", "read"), false);
  });
});
