import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CLUSTER_PRIVILEGE_NAMES,
  clusterPrivilegesThatGrant,
  getClusterPrivilege,
  isClusterAction,
  privilegesThatGrant,
  resolveClusterPrivilege,
  unknownClusterPrivilegeMessage,
} from "../../../lib/authz/cluster-privileges.js";

const S = "cluster:admin/xpack/security/";

describe("cluster privileges", () => {
  it("lists the granting privileges exactly as Elasticsearch's 403 reasons do", () => {
    assert.deepEqual(privilegesThatGrant(S + "api_key/grant"), ["grant_api_key", "manage_api_key", "manage_security", "all"]);
    assert.deepEqual(privilegesThatGrant(S + "api_key/grant/bulk"), ["grant_api_key", "manage_api_key", "manage_security", "all"]);
    assert.deepEqual(privilegesThatGrant(S + "api_key/create"), ["manage_api_key", "manage_security", "all"]);
    assert.deepEqual(privilegesThatGrant(S + "api_key/invalidate"), ["manage_api_key", "manage_security", "all"]);
    assert.deepEqual(privilegesThatGrant(S + "user/put"), ["manage_security", "all"]);
    assert.deepEqual(privilegesThatGrant(S + "role/put"), ["manage_security", "all"]);
    assert.deepEqual(privilegesThatGrant(S + "user/get"), ["read_security", "manage_security", "all"]);
    assert.deepEqual(privilegesThatGrant(S + "api_key/get"), ["read_security", "manage_api_key", "manage_security", "all"]);
    assert.deepEqual(privilegesThatGrant(S + "token/create"), ["manage_token", "manage_security", "all"]);
    assert.deepEqual(privilegesThatGrant("cluster:monitor/main"), ["monitor", "manage", "all"]);
    assert.equal(clusterPrivilegesThatGrant, privilegesThatGrant);
  });

  it("never names manage_own_api_key, and manage grants no security action", () => {
    for (const action of ["api_key/create", "api_key/get", "api_key/invalidate", "api_key/update"]) {
      const names = privilegesThatGrant(S + action);
      assert.equal(names.includes("manage_own_api_key"), false);
      assert.equal(names.includes("manage"), false);
    }
    assert.equal(getClusterPrivilege("manage_own_api_key")?.conditional, true);
  });

  it("orders names least to most powerful", () => {
    assert.equal(CLUSTER_PRIVILEGE_NAMES.at(-1), "all");
    assert.equal(CLUSTER_PRIVILEGE_NAMES.at(-2), "manage");
    const index = (n: string) => CLUSTER_PRIVILEGE_NAMES.indexOf(n);
    assert.ok(index("grant_api_key") < index("manage_api_key"));
    assert.ok(index("manage_api_key") < index("manage_security"));
    assert.ok(index("read_security") < index("manage_security"));
    for (const name of ["none", "manage_own_api_key", "manage_token", "manage_service_account", "monitor", "cancel_task"]) {
      assert.ok(index(name) >= 0, name);
    }
  });

  it("resolves names case-insensitively and actions as prefixes", () => {
    assert.deepEqual(resolveClusterPrivilege("MANAGE_API_KEY")?.actions.include, [S + "api_key/*"]);
    assert.deepEqual(resolveClusterPrivilege(S + "api_key/create")?.actions.include, [S + "api_key/create*"]);
    assert.deepEqual(resolveClusterPrivilege("cluster:monitor/*")?.actions.include, ["cluster:monitor/**"]);
    assert.equal(resolveClusterPrivilege("indices:admin/template/put")?.conditional, false);
    assert.equal(resolveClusterPrivilege("foo"), undefined);
    assert.equal(resolveClusterPrivilege("indices:data/read/search"), undefined);
    assert.equal(isClusterAction("cluster:admin/foo"), true);
    assert.equal(isClusterAction("manage"), false);
  });

  it("builds Elasticsearch's unknown-privilege message", () => {
    const message = unknownClusterPrivilegeMessage("Foo");
    assert.match(
      message,
      /^unknown cluster privilege \[foo\]\. a privilege must be either one of the predefined cluster privilege names \[/,
    );
    assert.match(message, /,manage_security,monitor,manage,all\] or a pattern over one of the available cluster actions$/);
  });
});
