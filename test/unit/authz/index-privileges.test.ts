import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  INDEX_PRIVILEGE_NAMES,
  getIndexPrivilege,
  indexPrivilegesThatGrant,
  isIndexAction,
  resolveIndexPrivilege,
  unknownIndexPrivilegeMessage,
} from "../../../lib/authz/index-privileges.js";

describe("index privileges", () => {
  it("lists the granting privileges exactly as Elasticsearch's 403 reasons do", () => {
    assert.deepEqual(indexPrivilegesThatGrant("indices:data/read/search"), ["read", "all"]);
    assert.deepEqual(indexPrivilegesThatGrant("indices:data/write/index"), ["create_doc", "create", "index", "write", "all"]);
    assert.deepEqual(indexPrivilegesThatGrant("indices:data/write/bulk[s]"), ["create_doc", "create", "delete", "index", "write", "all"]);
    assert.deepEqual(indexPrivilegesThatGrant("indices:data/write/delete"), ["delete", "write", "all"]);
    assert.deepEqual(indexPrivilegesThatGrant("indices:admin/create"), ["create_index", "manage", "all"]);
  });

  it("knows Elasticsearch's names, alphabetically for messages", () => {
    for (const name of [
      "all",
      "none",
      "read",
      "write",
      "index",
      "create",
      "create_doc",
      "delete",
      "create_index",
      "delete_index",
      "manage",
      "monitor",
      "view_index_metadata",
      "maintenance",
      "auto_configure",
      "read_cross_cluster",
      "manage_follow_index",
      "manage_leader_index",
      "manage_ilm",
      "manage_data_stream_lifecycle",
      "cross_cluster_replication",
    ]) {
      assert.ok(getIndexPrivilege(name), name);
    }
    assert.deepEqual([...INDEX_PRIVILEGE_NAMES], [...INDEX_PRIVILEGE_NAMES].sort());
    assert.equal(
      unknownIndexPrivilegeMessage("Foo"),
      `unknown index privilege [foo]. a privilege must be either one of the predefined fixed indices privileges [${INDEX_PRIVILEGE_NAMES.join(",")}] or a pattern over one of the available index actions`,
    );
  });

  it("resolves names and actions", () => {
    assert.deepEqual(resolveIndexPrivilege("READ")?.include, [
      "indices:data/read/*",
      "indices:admin/resolve/index",
      "indices:admin/resolve/cluster",
    ]);
    assert.deepEqual(resolveIndexPrivilege("indices:data/read/search")?.include, ["indices:data/read/search*"]);
    assert.equal(resolveIndexPrivilege("cluster:monitor/main"), undefined);
    assert.equal(resolveIndexPrivilege("bogus"), undefined);
    assert.equal(isIndexAction("indices:data/read/search"), true);
    assert.equal(isIndexAction("internal:transport/proxy/indices:data/read/search"), true);
    assert.equal(isIndexAction("read"), false);
  });
});
