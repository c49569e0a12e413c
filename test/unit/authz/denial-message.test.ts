import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { actionDeniedReason, applicationDeniedReason, runAsDeniedReason } from "../../../lib/authz/denial-message.js";

describe("403 reasons", () => {
  it("user denied a cluster action (reference §3.8, YAML api_key/12)", () => {
    assert.equal(
      actionDeniedReason({
        action: "cluster:admin/xpack/security/api_key/grant",
        username: "api_key_user_2",
        roles: ["user_role", "api_key_manager"],
      }),
      "action [cluster:admin/xpack/security/api_key/grant] is unauthorized for user [api_key_user_2] with effective roles [api_key_manager,user_role], this action is granted by the cluster privileges [grant_api_key,manage_api_key,manage_security,all]",
    );
    assert.equal(
      actionDeniedReason({ action: "cluster:admin/xpack/security/api_key/invalidate", username: "u", roles: [] }),
      "action [cluster:admin/xpack/security/api_key/invalidate] is unauthorized for user [u] with effective roles [], this action is granted by the cluster privileges [manage_api_key,manage_security,all]",
    );
  });

  it("API key denied (no roles printed)", () => {
    assert.equal(
      actionDeniedReason({ action: "cluster:monitor/main", username: "elastic", roles: ["superuser"], apiKeyId: "XC5536ABKXJ65ixRojXT" }),
      "action [cluster:monitor/main] is unauthorized for API key id [XC5536ABKXJ65ixRojXT] of user [elastic], this action is granted by the cluster privileges [monitor,manage,all]",
    );
  });

  it("index actions name the indices and index privileges", () => {
    assert.equal(
      actionDeniedReason({ action: "indices:data/write/bulk[s]", username: "u", roles: ["r"], apiKeyId: "id1", indices: ["logs-a"] }),
      "action [indices:data/write/bulk[s]] is unauthorized for API key id [id1] of user [u] on indices [logs-a], this action is granted by the index privileges [create_doc,create,delete,index,write,all]",
    );
    assert.equal(
      actionDeniedReason({
        action: "indices:data/read/search",
        username: "test user",
        roles: ["non-existent-role"],
        missingRoles: ["non-existent-role"],
        indices: ["a", "b"],
      }),
      "action [indices:data/read/search] is unauthorized for user [test user] with effective roles [] (assigned roles [non-existent-role] were not found) on indices [a,b], this action is granted by the index privileges [read,all]",
    );
  });

  it("run-as that succeeded but whose action is denied", () => {
    assert.equal(
      actionDeniedReason({
        action: "cluster:admin/xpack/security/user/put",
        username: "admin",
        roles: ["b", "a", "b"],
        runAsTarget: "bob",
      }),
      "action [cluster:admin/xpack/security/user/put] is unauthorized for user [admin] run as [bob] with effective roles [a,b], this action is granted by the cluster privileges [manage_security,all]",
    );
  });

  it("unknown actions get no privilege list", () => {
    assert.equal(
      actionDeniedReason({ action: "custom:thing", username: "u", roles: [] }),
      "action [custom:thing] is unauthorized for user [u] with effective roles []",
    );
  });

  it("run-as refused", () => {
    assert.equal(
      runAsDeniedReason({ username: "api_key_granter", roles: ["grant_role"], target: "nobody" }),
      "action [cluster:admin/xpack/security/user/authenticate] is unauthorized for user [api_key_granter] with effective roles [grant_role], because user [api_key_granter] is unauthorized to run as [nobody]",
    );
    assert.equal(
      runAsDeniedReason({
        username: "owner",
        roles: [],
        apiKeyId: "k1",
        target: "t",
        action: "cluster:admin/xpack/security/api_key/create",
      }),
      "action [cluster:admin/xpack/security/api_key/create] is unauthorized for API key id [k1] of user [owner], because API key id [k1] of user [owner] is unauthorized to run as [t]",
    );
  });

  it("host-application privilege denied", () => {
    assert.equal(
      applicationDeniedReason({ application: "shop", privilege: "read", username: "u", roles: ["viewer"], resources: ["orders", "carts"] }),
      "action [shop:read] is unauthorized for user [u] with effective roles [viewer] on resources [orders,carts]",
    );
    assert.equal(
      applicationDeniedReason({
        application: "shop",
        privilege: "data:write/x",
        username: "u",
        roles: [],
        apiKeyId: "k",
        resources: ["*"],
      }),
      "action [shop:data:write/x] is unauthorized for API key id [k] of user [u] on resources [*]",
    );
  });
});
