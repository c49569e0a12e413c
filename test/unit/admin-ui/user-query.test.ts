import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  isQueryUnavailable,
  passwordProblem,
  userActions,
  userQueryBody,
  usersFromGet,
  usersFromQuery,
} from "../../../lib/admin-ui/user-query.js";

describe("admin UI: listing users", () => {
  it("asks the Query User API for one page by username", () => {
    assert.deepEqual(userQueryBody(25, 25), { from: 25, size: 25, sort: [{ username: { order: "asc" } }] });
  });

  it("reads Query User answers, and pages GET /user answers the same way", () => {
    const users = [{ username: "a", roles: [] }];
    assert.deepEqual(usersFromQuery({ total: 7, count: 1, users }), { users, total: 7 });
    assert.deepEqual(usersFromQuery(null), { users: [], total: 0 });
    const all = { carl: { username: "carl" }, ann: { username: "ann" }, bob: { username: "bob" } };
    assert.deepEqual(usersFromGet(all, 1, 1), { users: [{ username: "bob" }], total: 3 });
    assert.deepEqual(
      usersFromGet(all, 0, 10).users.map((u) => u.username),
      ["ann", "bob", "carl"],
    );
  });

  it("falls back only when the server has no handler for the Query User API", () => {
    assert.equal(isQueryUnavailable(400, "no handler found for uri [/_security/_query/user] and method [POST]"), true);
    assert.equal(isQueryUnavailable(404, "The server answered with status 404."), true);
    assert.equal(isQueryUnavailable(400, "unknown query [foo]"), false);
    assert.equal(isQueryUnavailable(403, "action [cluster:admin/xpack/security/user/query] is unauthorized"), false);
    assert.equal(isQueryUnavailable(500, "no handler found"), false);
  });

  it("offers no action on reserved users, on the caller's own account, or without manage_security", () => {
    const ann = { username: "ann" };
    assert.deepEqual(userActions(ann, "elastic", true), { toggle: true, password: true });
    assert.deepEqual(userActions(ann, "elastic", false), { toggle: false, password: false });
    assert.deepEqual(userActions({ username: "kibana", metadata: { _reserved: true } }, "elastic", true), {
      toggle: false,
      password: false,
    });
    assert.deepEqual(userActions({ username: "elastic" }, "elastic", true), { toggle: false, password: false });
  });

  it("checks a new password's length and its repetition", () => {
    assert.equal(passwordProblem("12345", "12345"), "Passwords must be at least 6 characters long.");
    assert.equal(passwordProblem("123456", "123457"), "The two passwords differ.");
    assert.equal(passwordProblem("123456", "123456"), null);
  });
});
