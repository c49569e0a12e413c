import assert from "node:assert/strict";
import { throwsSecurityError } from "../../support/throws-security-error.js";
import { describe, it } from "node:test";
import { parseRoleDescriptor, parseRoleDescriptorMap } from "../../../lib/authz/parse-role-descriptor.js";
import { roleDescriptorGrantsNothing } from "../../../lib/model/role-descriptor.js";
import { roleNameError, validateRoleDescriptor } from "../../../lib/authz/validate-role-descriptor.js";

const rejects = throwsSecurityError;

describe("parseRoleDescriptor: normalization", () => {
  it("normalizes like Elasticsearch's Get API (YAML api_key/10 role-a)", () => {
    const parsed = parseRoleDescriptor("role-a", {
      cluster: ["all"],
      index: [{ names: "index-a", privileges: ["read"] }],
    });
    assert.deepEqual(parsed, {
      cluster: ["all"],
      indices: [{ names: ["index-a"], privileges: ["read"], allow_restricted_indices: false }],
      applications: [],
      run_as: [],
      metadata: {},
      transient_metadata: { enabled: true },
    });
    assert.deepEqual(Object.keys(parsed), ["cluster", "indices", "applications", "run_as", "metadata", "transient_metadata"]);
  });

  it("an empty body is a descriptor that grants nothing", () => {
    assert.deepEqual(parseRoleDescriptor("noop", {}), {
      cluster: [],
      indices: [],
      applications: [],
      run_as: [],
      metadata: {},
      transient_metadata: { enabled: true },
    });
  });

  it("keeps FLS, turns a DLS object into a JSON string, keeps key order", () => {
    const parsed = parseRoleDescriptor("dls", {
      indices: [
        {
          allow_restricted_indices: true,
          query: { term: { owner: "u" } },
          field_security: { grant: ["*"], except: ["secret"] },
          privileges: ["read", "indices:data/read/search"],
          names: ["a", "b*"],
        },
      ],
      applications: [{ application: "myapp", privileges: ["read", "data:write/*"], resources: ["*"] }],
      run_as: ["other"],
      metadata: { version: 1, nested: { a: [1, 2] } },
      cluster: ["cluster:monitor/*", "manage_own_api_key"],
      description: "a role",
    });
    assert.deepEqual(parsed.indices[0], {
      names: ["a", "b*"],
      privileges: ["read", "indices:data/read/search"],
      field_security: { grant: ["*"], except: ["secret"] },
      query: '{"term":{"owner":"u"}}',
      allow_restricted_indices: true,
    });
    assert.deepEqual(Object.keys(parsed.indices[0] ?? {}), ["names", "privileges", "field_security", "query", "allow_restricted_indices"]);
    assert.equal(parsed.description, "a role");
    assert.deepEqual(parsed.metadata, { version: 1, nested: { a: [1, 2] } });
    assert.deepEqual(parsed.applications, [{ application: "myapp", privileges: ["read", "data:write/*"], resources: ["*"] }]);
  });

  it("accepts a string query, drops empty/null queries, ignores transient_metadata and type", () => {
    const parsed = parseRoleDescriptor("q", {
      type: "role",
      transient_metadata: { enabled: false },
      indices: [
        { names: ["a"], privileges: ["read"], query: '{"match_all":{}}' },
        { names: ["b"], privileges: ["read"], query: "" },
        { names: ["c"], privileges: ["read"], query: null },
      ],
    });
    assert.equal(parsed.indices[0]?.query, '{"match_all":{}}');
    assert.equal("query" in (parsed.indices[1] ?? {}), false);
    assert.equal("query" in (parsed.indices[2] ?? {}), false);
    assert.deepEqual(parsed.transient_metadata, { enabled: true });
  });

  it("keeps global privileges", () => {
    const parsed = parseRoleDescriptor("g", { global: { application: { manage: { applications: ["myapp"] } } } });
    assert.deepEqual(parsed.global, { application: { manage: { applications: ["myapp"] } } });
  });

  it("refuses global categories named like Object.prototype members", () => {
    for (const category of ["toString", "valueOf", "hasOwnProperty"]) {
      rejects(
        () => parseRoleDescriptor("g", { global: { [category]: {} } }),
        "parse_exception",
        `failed to parse global privileges for role [g]. unexpected field [${category}]`,
      );
    }
  });

  it("does not share structure with the input", () => {
    const input = { metadata: { a: { b: 1 } } };
    const parsed = parseRoleDescriptor("r", input);
    input.metadata.a.b = 2;
    assert.deepEqual(parsed.metadata, { a: { b: 1 } });
  });
});

describe("parseRoleDescriptor: structural errors (parse_exception)", () => {
  it("rejects non-objects and unknown fields", () => {
    rejects(
      () => parseRoleDescriptor("r", []),
      "parse_exception",
      "failed to parse role [r]. expected an object but found [START_ARRAY] instead",
    );
    rejects(() => parseRoleDescriptor("r", { foo: 1 }), "parse_exception", "failed to parse role [r]. unexpected field [foo]");
    rejects(
      () => parseRoleDescriptor("r", { remote_indices: [] }),
      "parse_exception",
      "failed to parse role [r]. unexpected field [remote_indices]",
    );
  });

  it("reports wrong index shapes with Elasticsearch's wording", () => {
    rejects(
      () => parseRoleDescriptor("r", { indices: {} }),
      "parse_exception",
      "failed to parse indices privileges for role [r]. expected field [indices] value to be an array, but found [START_OBJECT] instead",
    );
    rejects(
      () => parseRoleDescriptor("r", { indices: ["a"] }),
      "parse_exception",
      "failed to parse indices privileges for role [r]. expected field [indices] value to be an array of objects, but found an array element of type [VALUE_STRING]",
    );
    rejects(
      () => parseRoleDescriptor("r", { indices: [{ privileges: ["read"] }] }),
      "parse_exception",
      "failed to parse indices privileges for role [r]. missing required [names] field",
    );
    rejects(
      () => parseRoleDescriptor("r", { indices: [{ names: "a" }] }),
      "parse_exception",
      "failed to parse indices privileges for role [r]. missing required [privileges] field",
    );
    rejects(
      () => parseRoleDescriptor("r", { indices: [{ names: [], privileges: ["read"] }] }),
      "parse_exception",
      "failed to parse indices privileges for role [r]. [names] cannot be an empty array",
    );
    rejects(
      () => parseRoleDescriptor("r", { indices: [{ names: 1, privileges: ["read"] }] }),
      "parse_exception",
      "failed to parse indices privileges for role [r]. expected field [names] value to be a string or an array of strings, but found [VALUE_NUMBER] instead",
    );
    rejects(
      () => parseRoleDescriptor("r", { indices: [{ names: "a", privileges: ["read"], allow_restricted_indices: "yes" }] }),
      "parse_exception",
      "failed to parse indices privileges for role [r]. expected field [allow_restricted_indices] value to be a boolean, but found [VALUE_STRING] instead",
    );
    rejects(
      () => parseRoleDescriptor("r", { indices: [{ names: "a", privileges: ["read"], foo: 1 }] }),
      "parse_exception",
      "failed to parse indices privileges for role [r]. unexpected field [foo]",
    );
    rejects(
      () => parseRoleDescriptor("r", { indices: [{ names: "a", privileges: ["read"], field_security: { except: ["x"] } }] }),
      "parse_exception",
      "failed to parse indices privileges for role [r]. field_security requires grant if except is given",
    );
    rejects(
      () => parseRoleDescriptor("r", { indices: [{ names: "a", privileges: ["read"], field_security: {} }] }),
      "parse_exception",
      'failed to parse indices privileges for role [r]. "field_security" must not be empty.',
    );
  });

  it("reports non-string arrays like XContentUtils", () => {
    rejects(
      () => parseRoleDescriptor("r", { cluster: "all" }),
      "parse_exception",
      "failed to parse role [r]. could not parse [cluster] field. expected a string array but found [VALUE_STRING] value instead",
    );
    rejects(
      () => parseRoleDescriptor("r", { run_as: [1] }),
      "parse_exception",
      "failed to parse role [r]. could not parse [run_as] field. expected a string array but one of the value in the array is [VALUE_NUMBER]",
    );
    rejects(
      () => parseRoleDescriptor("r", { metadata: [] }),
      "parse_exception",
      "expected field [metadata] to be of type object, but found [START_ARRAY] instead",
    );
  });

  it("reports application entry problems", () => {
    rejects(
      () => parseRoleDescriptor("r", { applications: [{ application: "myapp", privileges: ["read"] }] }),
      "parse_exception",
      "failed to parse application privileges for role [r]. missing required [resources] field",
    );
    rejects(
      () =>
        parseRoleDescriptor("r", { applications: [{ application: "myapp", resources: ["*"], privileges: ["read"], not_supported: true }] }),
      "x_content_parse_exception",
      "[application] unknown field [not_supported]",
    );
  });

  it("description only for roles, restriction only for API keys", () => {
    rejects(
      () => parseRoleDescriptor("r", { description: "x" }, { forApiKey: true }),
      "parse_exception",
      "failed to parse role [r]. unexpected field [description]",
    );
    rejects(
      () => parseRoleDescriptor("r", { restriction: { workflows: ["search_application_query"] } }),
      "parse_exception",
      "failed to parse role [r]. unexpected field [restriction]",
    );
    const key = parseRoleDescriptor("r", { restriction: { workflows: ["search_application_query"] } }, { forApiKey: true });
    assert.deepEqual(key.restriction, { workflows: ["search_application_query"] });
    assert.equal(parseRoleDescriptor("r", { restriction: {} }, { forApiKey: true }).restriction, undefined);
    rejects(
      () => parseRoleDescriptor("r", { restriction: { workflows: [] } }, { forApiKey: true }),
      "parse_exception",
      "failed to parse restriction for role [r]. [workflows] cannot be an empty array",
    );
    rejects(
      () => parseRoleDescriptor("r", { restriction: { workflows: null } }, { forApiKey: true }),
      "parse_exception",
      "failed to parse restriction for role [r]. could not parse [workflows] field. expected a string array but found null value instead",
    );
  });

  it("rejects $-keys and prototype keys anywhere (stored in MongoDB)", () => {
    for (const body of [
      { metadata: { $where: "sleep(1000)" } },
      { metadata: { a: [{ b: { $gt: "" } }] } },
      JSON.parse('{"metadata":{"__proto__":{"polluted":true}}}'),
      { metadata: { constructor: 1 } },
      { indices: [{ names: ["a"], privileges: ["read"], query: { $expr: {} } }] },
      { $set: {} },
    ]) {
      rejects(
        () => parseRoleDescriptor("r", body),
        "parse_exception",
        /^failed to parse role \[r\]\. field names may not start with \[\$\]/,
      );
    }
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  });
});

describe("parseRoleDescriptor: validation (action_request_validation_exception)", () => {
  it("rejects unknown cluster privileges with Elasticsearch's message", () => {
    rejects(
      () => parseRoleDescriptor("r", { cluster: ["foo"] }),
      "action_request_validation_exception",
      /^Validation Failed: 1: unknown cluster privilege \[foo\]\. a privilege must be either one of the predefined cluster privilege names \[.*manage_security,monitor,manage,all\] or a pattern over one of the available cluster actions;$/,
    );
  });

  it("accepts cluster action patterns and every known name", () => {
    const parsed = parseRoleDescriptor("r", {
      cluster: [
        "cluster:admin/xpack/security/*",
        "cluster:monitor/*",
        "MANAGE_SECURITY",
        "grant_api_key",
        "manage_service_account",
        "none",
      ],
    });
    assert.equal(parsed.cluster.length, 6);
  });

  it("lists every problem at once", () => {
    rejects(
      () =>
        parseRoleDescriptor("r", {
          cluster: ["foo"],
          indices: [{ names: ["Upper"], privileges: ["bar"] }],
          applications: [{ application: "ab", privileges: ["a b"], resources: ["*"] }],
          metadata: { _secret: 1 },
        }),
      "action_request_validation_exception",
      /^Validation Failed: 1: unknown cluster privilege \[foo\].*;2: unknown index privilege \[bar\]\. a privilege must be either one of the predefined fixed indices privileges \[all,auto_configure,.*\] or a pattern over one of the available index actions;3: index name must be lowercase \[Upper\];4: An application name prefix must be at least 3 characters long \(found 'ab'\);5: Application privilege names and actions must match the pattern \^\\p\{Graph\}\*\$ \(found 'a b'\);6: role descriptor metadata keys may not start with \[_\];$/,
    );
  });

  it("validates role names", () => {
    assert.equal(roleNameError("my role"), undefined);
    assert.match(roleNameError(" lead") ?? "", /^Role names must be at least 1 and no more than 507 characters/);
    assert.notEqual(roleNameError("x".repeat(508)), undefined);
    assert.notEqual(roleNameError(""), undefined);
    rejects(() => parseRoleDescriptor("bad\u0001", {}), "action_request_validation_exception", /Role names must be/);
  });

  it("validateRoleDescriptor returns messages for merging", () => {
    const descriptor = parseRoleDescriptor("r", { cluster: ["all"] });
    assert.deepEqual(validateRoleDescriptor("r", descriptor), []);
    assert.equal(validateRoleDescriptor("r", { ...descriptor, cluster: ["nope"] }).length, 1);
  });
});

describe("parseRoleDescriptorMap", () => {
  it("parses {name: descriptor} maps", () => {
    const map = parseRoleDescriptorMap(
      { "role-a": { cluster: ["all"] }, "role-b": { index: [{ names: ["index-b"], privileges: ["all"] }] } },
      { forApiKey: true },
    );
    assert.deepEqual(Object.keys(map), ["role-a", "role-b"]);
    assert.deepEqual(map["role-b"]?.indices, [{ names: ["index-b"], privileges: ["all"], allow_restricted_indices: false }]);
    assert.deepEqual(parseRoleDescriptorMap({}), {});
  });

  it("rejects non-objects, unsafe names, and aggregates validation problems", () => {
    rejects(
      () => parseRoleDescriptorMap([]),
      "parse_exception",
      "failed to parse role descriptors. expected an object but found [START_ARRAY] instead",
    );
    rejects(() => parseRoleDescriptorMap({ $bad: {} }), "parse_exception", /field names may not start with/);
    rejects(
      () => parseRoleDescriptorMap({ a: { cluster: ["x"] }, b: { cluster: ["y"] } }),
      "action_request_validation_exception",
      /^Validation Failed: 1: unknown cluster privilege \[x\].*;2: unknown cluster privilege \[y\]/,
    );
  });

  it("enforces Elasticsearch's restriction rules for API keys", () => {
    const restricted = { restriction: { workflows: ["search_application_query"] } };
    rejects(
      () => parseRoleDescriptorMap({ a: restricted, b: restricted }, { forApiKey: true }),
      "action_request_validation_exception",
      "Validation Failed: 1: more than one role descriptor with restriction is not supported;",
    );
    rejects(
      () => parseRoleDescriptorMap({ a: restricted, b: {} }, { forApiKey: true }),
      "action_request_validation_exception",
      "Validation Failed: 1: combining role descriptors with and without restriction is not supported;",
    );
    rejects(
      () => parseRoleDescriptorMap({ a: { restriction: { workflows: ["nope"] } } }, { forApiKey: true }),
      "action_request_validation_exception",
      "Validation Failed: 1: Unknown workflow [nope]. A workflow must be one of the predefined workflow names [search_application_query].;",
    );
  });
});

describe("roleDescriptorGrantsNothing", () => {
  it("is true only for descriptors without privileges (derived API keys)", () => {
    assert.equal(roleDescriptorGrantsNothing(parseRoleDescriptor("noop", {})), true);
    assert.equal(roleDescriptorGrantsNothing(parseRoleDescriptor("noop", { metadata: { a: 1 } })), true);
    assert.equal(roleDescriptorGrantsNothing(parseRoleDescriptor("r", { cluster: ["none"] })), false);
    assert.equal(roleDescriptorGrantsNothing(parseRoleDescriptor("r", { run_as: ["x"] })), false);
    assert.equal(roleDescriptorGrantsNothing(parseRoleDescriptor("r", { indices: [{ names: ["a"], privileges: ["read"] }] })), false);
  });
});
