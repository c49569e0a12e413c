import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildKeyQuery, wildcardPattern } from "../../../lib/admin-ui/build-key-query.js";
import type { Viewer } from "../../../lib/admin-ui/key-ownership.js";
import { defaultListQuery, type ListQuery } from "../../../lib/admin-ui/list-query.js";

const superuser: Viewer = {
  me: { username: "elastic", authentication_realm: { name: "reserved" } },
  can: { manageAll: true, readAll: true },
};
const reader: Viewer = { me: { username: "rita", authentication_realm: { name: "native" } }, can: { manageAll: false, readAll: true } };
const ownKeysOnly: Viewer = {
  me: { username: "ann", authentication_realm: { name: "native" } },
  can: { manageAll: false, readAll: false },
};

function query(overrides: Partial<ListQuery>): ListQuery {
  return { ...defaultListQuery(), ...overrides };
}

describe("admin UI: the _query/api_key body", () => {
  it("asks for the first page, newest first, with the key id breaking ties", () => {
    assert.deepEqual(buildKeyQuery(defaultListQuery(), superuser, null), { size: 10, sort: [{ creation: { order: "desc" } }, "_doc"] });
  });

  it("continues after the previous page's last sort values", () => {
    const body = buildKeyQuery(query({ sortField: "name", sortOrder: "asc", size: 25 }), superuser, ["batch-10", "k1"]);
    assert.deepEqual(body, { size: 25, sort: [{ name: { order: "asc" } }, "_doc"], search_after: ["batch-10", "k1"] });
  });

  it("matches typed text anywhere, case-insensitively, unless it holds its own wildcard", () => {
    assert.equal(wildcardPattern("batch"), "*batch*");
    assert.equal(wildcardPattern("batch-0?"), "batch-0?");
    assert.equal(wildcardPattern("a*"), "a*");
    assert.equal(wildcardPattern("back\\slash"), "*back\\\\slash*", "a backslash is the query's escape: doubled");
    assert.deepEqual(buildKeyQuery(query({ name: "Batch" }), superuser, null).query, {
      bool: { filter: [{ wildcard: { name: { value: "*Batch*", case_insensitive: true } } }] },
    });
  });

  it("filters by owner only for a user who can see other users' keys", () => {
    assert.deepEqual(buildKeyQuery(query({ owner: "ann" }), reader, null).query, {
      bool: { filter: [{ wildcard: { username: { value: "*ann*", case_insensitive: true } } }] },
    });
    assert.equal(buildKeyQuery(query({ owner: "ann" }), ownKeysOnly, null).query, undefined);
  });

  it("narrows 'My keys' to the user and their realm, an API key's owner to the user only", () => {
    assert.deepEqual(buildKeyQuery(query({ scope: "own" }), reader, null).query, {
      bool: { filter: [{ term: { username: "rita" } }, { term: { realm_name: "native" } }] },
    });
    const runAs: Viewer = {
      me: { username: "rita", authentication_realm: { name: "reserved" }, lookup_realm: { name: "native" } },
      can: reader.can,
    };
    assert.deepEqual(buildKeyQuery(query({ scope: "own" }), runAs, null).query?.bool.filter?.[1], { term: { realm_name: "native" } });
    const withKey: Viewer = { me: { ...reader.me, api_key: { id: "k1" } }, can: reader.can };
    assert.deepEqual(buildKeyQuery(query({ scope: "own" }), withKey, null).query, { bool: { filter: [{ term: { username: "rita" } }] } });
    // Without read_security the server scopes the list itself.
    assert.equal(buildKeyQuery(query({ scope: "own" }), ownKeysOnly, null).query, undefined);
  });

  it("expresses each status with invalidated and expiration", () => {
    const bool = (status: ListQuery["status"]) => buildKeyQuery(query({ status }), superuser, null).query?.bool;
    assert.deepEqual(bool("active"), {
      filter: [{ term: { invalidated: false } }],
      must_not: [{ range: { expiration: { lte: "now" } } }, { term: { enabled: false } }],
    });
    assert.deepEqual(bool("disabled"), {
      filter: [{ term: { invalidated: false } }, { term: { enabled: false } }],
      must_not: [{ range: { expiration: { lte: "now" } } }],
    });
    assert.deepEqual(bool("expired"), { filter: [{ term: { invalidated: false } }, { range: { expiration: { lte: "now" } } }] });
    assert.deepEqual(bool("invalidated"), { filter: [{ term: { invalidated: true } }] });
    assert.equal(bool(""), undefined);
  });
});
