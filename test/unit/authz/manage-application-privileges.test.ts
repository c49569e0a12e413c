import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRoleDescriptor } from "../../../lib/authz/parse-role-descriptor.js";
import { Permission } from "../../../lib/authz/permission.js";

const PUT = "cluster:admin/xpack/security/privilege/put";
const GET = "cluster:admin/xpack/security/privilege/get";

function manager(...applications: string[][]): Permission {
  return Permission.fromDescriptors(
    applications.map((names, i) => parseRoleDescriptor(`r${i}`, { global: { application: { manage: { applications: names } } } })),
  );
}

describe("global application.manage privileges in a permission", () => {
  it("grant the application-privilege actions for requests whose applications all match (wildcards as Elasticsearch)", () => {
    const permission = manager(["app-*", "shop"]);
    assert.equal(permission.grantsClusterAction(PUT, { applications: ["app-one"] }), true);
    assert.equal(permission.grantsClusterAction(PUT, { applications: ["app-one", "shop"] }), true);
    assert.equal(permission.grantsClusterAction(PUT, { applications: ["app-one", "other"] }), false);
    assert.equal(permission.grantsClusterAction(GET, { applications: ["shopping"] }), false);
    assert.equal(permission.grantsClusterAction(GET, { applications: [] }), false, "every application needs `*`");
    assert.equal(manager(["*"]).grantsClusterAction(GET, { applications: [] }), true);
  });

  it("grant nothing without the request's applications, nor any other action", () => {
    const permission = manager(["*"]);
    assert.equal(permission.grantsClusterAction(PUT), false);
    assert.equal(permission.grantsClusterAction("cluster:admin/xpack/security/role/put", { applications: ["a"] }), false);
    assert.equal(permission.checkClusterPrivilege(PUT), false);
    assert.equal(permission.checkClusterPrivilege("manage_security"), false);
  });

  it("are checked one privilege at a time, as Elasticsearch's cluster permission does", () => {
    // Two roles, each naming one of the applications: neither privilege covers both.
    const permission = manager(["app-a"], ["app-b"]);
    assert.equal(permission.grantsClusterAction(PUT, { applications: ["app-a"] }), true);
    assert.equal(permission.grantsClusterAction(PUT, { applications: ["app-b"] }), true);
    assert.equal(permission.grantsClusterAction(PUT, { applications: ["app-a", "app-b"] }), false);
  });

  it("intersect for API keys: both sides must grant", () => {
    const limited = Permission.intersect(manager(["app-one", "other"]), manager(["app-*"]));
    assert.equal(limited.grantsClusterAction(PUT, { applications: ["app-one"] }), true);
    assert.equal(limited.grantsClusterAction(PUT, { applications: ["app-two"] }), false);
    assert.equal(limited.grantsClusterAction(PUT, { applications: ["other"] }), false);
  });
});
