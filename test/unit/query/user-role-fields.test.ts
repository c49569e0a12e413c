import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ROLE_FIELD_TABLE } from "../../../lib/query/role-fields.js";
import { USER_FIELD_TABLE } from "../../../lib/query/user-fields.js";
import { parseQueryRecordsRequest } from "../../../lib/query/parse-query-records-request.js";
import { translateApiKeyQuery } from "../../../lib/query/translate-query.js";
import { parseApiKeySort } from "../../../lib/query/translate-sort.js";
import { textTokens } from "../../../lib/support/text-tokens.js";
import { throwsSecurityError } from "../../support/throws-security-error.js";

const users = (query: unknown) => translateApiKeyQuery(query, 0, { fields: USER_FIELD_TABLE });
const roles = (query: unknown) => translateApiKeyQuery(query, 0, { fields: ROLE_FIELD_TABLE });

describe("USER_FIELD_TABLE", () => {
  test("Elasticsearch's user fields and where each is stored", () => {
    const resolved = Object.fromEntries(
      ["username", "roles", "enabled", "full_name", "email"].map((name) => {
        const field = USER_FIELD_TABLE.resolve(name);
        return [name, [field.path, field.kind, field.analyzed?.sourcePath ?? null, field.sortRefusal ?? null]];
      }),
    );
    assert.deepEqual(resolved, {
      username: ["_id", "keyword", null, null],
      roles: ["roles", "keyword", null, null],
      enabled: ["enabled", "boolean", null, null],
      full_name: ["full_name_tokens", "keyword", "full_name", "sorting is not supported for field [full_name]"],
      email: ["email_tokens", "keyword", "email", "sorting is not supported for field [email]"],
    });
  });

  test("everything else is refused with Elasticsearch's message: secrets, metadata, internals", () => {
    for (const name of ["password_hash", "metadata", "metadata.a", "_id", "version", "full_name_tokens", "query_fields", "name"]) {
      throwsSecurityError(
        () => USER_FIELD_TABLE.resolve(name),
        "illegal_argument_exception",
        `Field [${name}] is not allowed for querying or aggregation`,
      );
    }
    throwsSecurityError(
      () => USER_FIELD_TABLE.resolve("user*"),
      "illegal_argument_exception",
      "Field name pattern [user*] is not allowed for querying or aggregation",
    );
  });

  test("patterns (simple_query_string) reach only the allowed fields", () => {
    assert.deepEqual(
      USER_FIELD_TABLE.resolvePattern("*").map((field) => field.name),
      ["username", "roles", "enabled", "full_name", "email"],
    );
    assert.deepEqual(
      USER_FIELD_TABLE.resolvePattern("*name").map((field) => field.name),
      ["username", "full_name"],
    );
    assert.deepEqual(USER_FIELD_TABLE.resolvePattern("password_hash"), []);
  });

  test("ids are Elasticsearch's document ids: user-<name>", () => {
    assert.equal(USER_FIELD_TABLE.storedId("user-jdoe"), "jdoe");
    assert.equal(USER_FIELD_TABLE.storedId("jdoe"), undefined);
    assert.equal(USER_FIELD_TABLE.storedId("user-"), undefined);
    assert.deepEqual(users({ ids: { values: ["user-a", "b", "user-a"] } }), { _id: { $in: ["a"] } });
  });

  test("text fields: match analyzes, term does not, exists needs a word, sort is refused", () => {
    assert.deepEqual(users({ match: { full_name: "John DOE" } }), {
      $or: [{ full_name_tokens: { $eq: "john" } }, { full_name_tokens: { $eq: "doe" } }],
    });
    assert.deepEqual(users({ match: { full_name: { query: "John DOE", operator: "AND" } } }), {
      $and: [{ full_name_tokens: { $eq: "john" } }, { full_name_tokens: { $eq: "doe" } }],
    });
    assert.deepEqual(users({ match: { email: "--" } }), { _id: { $in: [] } });
    assert.deepEqual(users({ term: { full_name: "John" } }), { full_name_tokens: { $eq: "John" } });
    assert.deepEqual(users({ exists: { field: "email" } }), { "email_tokens.0": { $exists: true } });
    assert.deepEqual(users({ exists: { field: "roles" } }), { roles: { $nin: [null, []] } });
    throwsSecurityError(
      () => parseApiKeySort(["email"], USER_FIELD_TABLE),
      "illegal_argument_exception",
      "sorting is not supported for field [email]",
    );
    assert.equal(parseApiKeySort(["username", "roles", "enabled"], USER_FIELD_TABLE)?.length, 3);
  });

  test("a request value is never an operator", () => {
    throwsSecurityError(() => users({ term: { username: { $gt: "" } } }), "parsing_exception", "[term] query does not support [$gt]");
    throwsSecurityError(
      () => users({ terms: { roles: [{ $ne: null }] } }),
      "parsing_exception",
      "[terms] query does not support values of type [object]",
    );
    throwsSecurityError(
      () => users({ match: { full_name: { query: { $regex: "." } } } }),
      "parsing_exception",
      "[match] query does not support [query]",
    );
  });
});

describe("ROLE_FIELD_TABLE", () => {
  test("Elasticsearch's role fields and where each is stored", () => {
    const paths = Object.fromEntries(
      [
        "name",
        "description",
        "applications.application",
        "applications.resources",
        "applications.privileges",
        "metadata",
        "metadata.a.b",
      ].map((name) => [name, ROLE_FIELD_TABLE.resolve(name).path]),
    );
    assert.deepEqual(paths, {
      name: "_id",
      description: "description_tokens",
      "applications.application": "descriptor.applications.application",
      "applications.resources": "descriptor.applications.resources",
      "applications.privileges": "descriptor.applications.privileges",
      metadata: "metadata_values",
      "metadata.a.b": "metadata_flattened.a.b",
    });
    assert.match(String(ROLE_FIELD_TABLE.resolve("description").sortRefusal), /^Text fields are not optimised/);
    assert.equal(ROLE_FIELD_TABLE.storedId("role-admin"), "admin");
    assert.equal(ROLE_FIELD_TABLE.storedId("user-admin"), undefined);
  });

  test("descriptor internals are refused", () => {
    for (const name of ["cluster", "indices.names", "run_as", "applications", "descriptor.cluster", "metadata.$where", "username"]) {
      throwsSecurityError(() => ROLE_FIELD_TABLE.resolve(name), "illegal_argument_exception", /./);
    }
    assert.deepEqual(
      ROLE_FIELD_TABLE.resolvePattern("*").map((field) => field.name),
      ["name", "description", "applications.application", "applications.resources", "applications.privileges", "metadata"],
    );
  });

  test("metadata is flattened as for API keys", () => {
    assert.deepEqual(roles({ term: { "metadata.level": "1" } }), { "metadata_flattened.level": { $in: ["1", 1] } });
    assert.deepEqual(roles({ match: { description: "Shop" } }), { description_tokens: { $eq: "shop" } });
  });
});

describe("parseQueryRecordsRequest", () => {
  const dialect = { parser: "query_role_request_payload", fields: ROLE_FIELD_TABLE } as const;

  test("defaults and Elasticsearch's parser messages", () => {
    assert.deepEqual(parseQueryRecordsRequest(undefined, dialect), {
      query: undefined,
      from: 0,
      size: 10,
      sort: undefined,
      searchAfter: undefined,
    });
    throwsSecurityError(
      () => parseQueryRecordsRequest({ aggs: {} }, dialect),
      "x_content_parse_exception",
      "[query_role_request_payload] unknown field [aggs]",
    );
    throwsSecurityError(
      () => parseQueryRecordsRequest({ query: { term: { cluster: "all" } } }, dialect),
      "illegal_argument_exception",
      "Field [cluster] is not allowed for querying or aggregation",
    );
    throwsSecurityError(() => parseQueryRecordsRequest({ from: -1 }, dialect), "action_request_validation_exception", /./);
    throwsSecurityError(
      () => parseQueryRecordsRequest({ search_after: ["a"], from: 2, sort: ["name"] }, dialect),
      "action_request_validation_exception",
      /./,
    );
  });
});

describe("textTokens", () => {
  test("the standard analyzer's words, lowercased", () => {
    assert.deepEqual(textTokens("John Doe-Smith"), ["john", "doe", "smith"]);
    assert.deepEqual(textTokens("john.doe@example.com"), ["john.doe", "example.com"]);
    assert.deepEqual(textTokens("  -- "), []);
    assert.deepEqual(textTokens("x".repeat(300)), ["x".repeat(255), "x".repeat(45)]);
  });
});
