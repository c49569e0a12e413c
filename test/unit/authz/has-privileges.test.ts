import assert from "node:assert/strict";
import { throwsSecurityError } from "../../support/throws-security-error.js";
import { describe, it } from "node:test";
import type { ApplicationPrivilegeLookup } from "../../../lib/authz/application-privileges.js";
import { evaluateHasPrivileges, parseHasPrivilegesRequest } from "../../../lib/authz/has-privileges.js";
import { Permission } from "../../../lib/authz/permission.js";
import { parseRoleDescriptorMap } from "../../../lib/authz/parse-role-descriptor.js";

const lookup: ApplicationPrivilegeLookup = (app, name) =>
  app === "myapp" ? ({ read: ["data:read/*"], write: ["data:write/*"] } as Record<string, string[]>)[name] : undefined;

const rejects = throwsSecurityError;

describe("evaluateHasPrivileges", () => {
  it("reproduces YAML api_key/10 'Test has privileges API for api key'", () => {
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
    const request = parseHasPrivilegesRequest({
      index: [
        { names: ["*", "index-a"], privileges: ["read", "index", "write"] },
        { names: ["index-a", "index-b"], privileges: ["read", "write"] },
      ],
      application: [{ application: "myapp", resources: ["*", "some-other-res"], privileges: ["data:read/me", "data:write/me"] }],
    });
    const response = evaluateHasPrivileges("api_key_user", Permission.intersect(assigned, limitedBy), request);
    assert.deepEqual(response, {
      username: "api_key_user",
      has_all_requested: false,
      cluster: {},
      index: {
        "*": { read: false, index: false, write: false },
        "index-a": { read: true, index: false, write: false },
        "index-b": { read: true, write: true },
      },
      application: {
        myapp: {
          "*": { "data:read/me": true, "data:write/me": false },
          "some-other-res": { "data:read/me": true, "data:write/me": false },
        },
      },
    });
  });

  it("answers cluster privileges and has_all_requested", () => {
    const p = Permission.fromDescriptors(Object.values(parseRoleDescriptorMap({ r: { cluster: ["manage_security"] } })));
    const yes = evaluateHasPrivileges("u", p, parseHasPrivilegesRequest({ cluster: ["manage_api_key", "read_security"] }));
    assert.deepEqual(yes, {
      username: "u",
      has_all_requested: true,
      cluster: { manage_api_key: true, read_security: true },
      index: {},
      application: {},
    });
    const no = evaluateHasPrivileges("u", p, parseHasPrivilegesRequest({ cluster: ["all"] }));
    assert.equal(no.has_all_requested, false);
    assert.deepEqual(no.cluster, { all: false });
  });

  it("keeps hostile names as plain own keys", () => {
    const p = Permission.fromDescriptors([]);
    const response = evaluateHasPrivileges("u", p, parseHasPrivilegesRequest({ index: [{ names: ["__proto__"], privileges: ["read"] }] }));
    assert.deepEqual(Object.keys(response.index), ["__proto__"]);
    assert.equal(JSON.stringify(response.index), '{"__proto__":{"read":false}}');
    assert.equal(Object.getPrototypeOf(response.index), Object.prototype);
  });
});

describe("parseHasPrivilegesRequest", () => {
  it("normalizes names and defaults", () => {
    assert.deepEqual(parseHasPrivilegesRequest({ index: [{ names: "a", privileges: ["read"] }], applications: [] }), {
      cluster: [],
      index: [{ names: ["a"], privileges: ["read"], allow_restricted_indices: false }],
      application: [],
    });
  });

  it("rejects bad bodies with Elasticsearch's errors", () => {
    rejects(
      () => parseHasPrivilegesRequest({}, "u"),
      "parse_exception",
      "failed to parse privileges check [u]. All privilege fields [cluster,index,applications] are missing",
    );
    rejects(
      () => parseHasPrivilegesRequest({ foo: [] }, "u"),
      "parse_exception",
      "failed to parse privileges check [u]. unexpected field [foo]",
    );
    rejects(
      () => parseHasPrivilegesRequest({ cluster: [] }),
      "action_request_validation_exception",
      "Validation Failed: 1: must specify at least one privilege;",
    );
    rejects(
      () => parseHasPrivilegesRequest({ cluster: "all" }, "u"),
      "parse_exception",
      "failed to parse privileges check [u]. could not parse [cluster] field. expected a string array but found [VALUE_STRING] value instead",
    );
    rejects(() => parseHasPrivilegesRequest({ cluster: ["bogus"] }), "illegal_argument_exception", /^unknown cluster privilege \[bogus\]/);
    rejects(
      () => parseHasPrivilegesRequest({ index: [{ names: ["a"], privileges: ["bogus"] }] }),
      "illegal_argument_exception",
      /^unknown index privilege \[bogus\]/,
    );
    rejects(
      () => parseHasPrivilegesRequest({ index: [{ names: ["a"], privileges: ["read"], field_security: { grant: ["*"] } }] }),
      "parse_exception",
      "Field [field_security] is not supported in a has_privileges request",
    );
    rejects(
      () => parseHasPrivilegesRequest({ index: [{ names: ["a"], privileges: ["read"], query: {} }] }),
      "parse_exception",
      "Field [query] is not supported in a has_privileges request",
    );
    rejects(
      () => parseHasPrivilegesRequest({ index: [{ names: ["a"] }] }, "u"),
      "parse_exception",
      "failed to parse indices privileges for role [u]. missing required [privileges] field",
    );
    rejects(
      () => parseHasPrivilegesRequest({ application: [{ application: "my*", privileges: ["read"], resources: ["*"] }] }),
      "action_request_validation_exception",
      "Validation Failed: 1: Application names may not contain '*' (found 'my*');",
    );
    rejects(() => parseHasPrivilegesRequest([]), "parse_exception", /expected an object/);
    rejects(() => parseHasPrivilegesRequest({ cluster: ["all"], $where: 1 }), "parse_exception", /field names may not start with \[\$\]/);
  });
});
