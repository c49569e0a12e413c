import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SUPERUSER_ROLE } from "../../../lib/authz/builtin-roles.js";
import { parseRoleDescriptor } from "../../../lib/authz/parse-role-descriptor.js";
import { describeUserPrivileges } from "../../../lib/authz/user-privileges.js";

describe("describeUserPrivileges", () => {
  it("describes the superuser as Elasticsearch does", () => {
    assert.deepEqual(describeUserPrivileges([SUPERUSER_ROLE]), {
      cluster: ["all"],
      global: [],
      indices: [{ names: ["*"], privileges: ["all"], allow_restricted_indices: true }],
      applications: [{ application: "*", privileges: ["*"], resources: ["*"] }],
      run_as: ["*"],
    });
  });

  it("merges and sorts across roles", () => {
    const a = parseRoleDescriptor("a", {
      cluster: ["monitor", "manage_own_api_key"],
      indices: [
        { names: ["logs-*", "app"], privileges: ["read"] },
        { names: ["secret"], privileges: ["read"], field_security: { grant: ["a"] }, query: { term: { x: 1 } } },
      ],
      applications: [{ application: "myapp", privileges: ["read"], resources: ["b", "a"] }],
      run_as: ["zed"],
      global: { application: { manage: { applications: ["myapp"] } } },
    });
    const b = parseRoleDescriptor("b", {
      cluster: ["monitor", "all"],
      indices: [
        { names: ["app", "logs-*"], privileges: ["write", "read"] },
        { names: ["secret"], privileges: ["view_index_metadata"], field_security: { grant: ["b"] } },
        { names: ["other"], privileges: ["read"], allow_restricted_indices: true },
      ],
      applications: [
        { application: "myapp", privileges: ["write"], resources: ["a", "b"] },
        { application: "myapp", privileges: ["admin"], resources: ["c"] },
      ],
      run_as: ["amy", "zed"],
      global: { application: { manage: { applications: ["myapp"] } } },
    });
    assert.deepEqual(describeUserPrivileges([a, b]), {
      cluster: ["all", "manage_own_api_key", "monitor"],
      global: [{ application: { manage: { applications: ["myapp"] } } }],
      indices: [
        { names: ["app", "logs-*"], privileges: ["read", "write"], allow_restricted_indices: false },
        {
          names: ["secret"],
          privileges: ["read", "view_index_metadata"],
          field_security: [{ grant: ["a"] }, { grant: ["b"] }],
          allow_restricted_indices: false,
        },
        { names: ["other"], privileges: ["read"], allow_restricted_indices: true },
      ],
      applications: [
        { application: "myapp", privileges: ["read"], resources: ["a", "b"] },
        { application: "myapp", privileges: ["write"], resources: ["a", "b"] },
        { application: "myapp", privileges: ["admin"], resources: ["c"] },
      ],
      run_as: ["amy", "zed"],
    });
  });

  it("keeps DLS only when every merged entry is restricted", () => {
    const restricted = parseRoleDescriptor("a", { indices: [{ names: ["x"], privileges: ["read"], query: '{"match_all":{}}' }] });
    assert.deepEqual(describeUserPrivileges([restricted]).indices, [
      { names: ["x"], privileges: ["read"], query: ['{"match_all":{}}'], allow_restricted_indices: false },
    ]);
    const open = parseRoleDescriptor("b", { indices: [{ names: ["x"], privileges: ["read"] }] });
    assert.deepEqual(describeUserPrivileges([restricted, open]).indices, [
      { names: ["x"], privileges: ["read"], allow_restricted_indices: false },
    ]);
  });

  it("no roles → empty privileges", () => {
    assert.deepEqual(describeUserPrivileges([]), { cluster: [], global: [], indices: [], applications: [], run_as: [] });
  });
});
