import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { actionSetMatches, actionSetsImply, anyActionSetMatches, EMPTY_ACTION_SET } from "../../../lib/authz/action-set.js";

const MANAGE = { include: ["cluster:*"], exclude: ["cluster:admin/xpack/security/*"] };
const SECURITY = { include: ["cluster:admin/xpack/security/*"], exclude: ["cluster:admin/xpack/security/delegate_pki"] };
const API_KEY = { include: ["cluster:admin/xpack/security/api_key/*"], exclude: [] };

describe("action sets", () => {
  it("match includes minus excludes", () => {
    assert.equal(actionSetMatches(MANAGE, "cluster:monitor/main"), true);
    assert.equal(actionSetMatches(MANAGE, "cluster:admin/xpack/security/user/put"), false);
    assert.equal(anyActionSetMatches([MANAGE, SECURITY], "cluster:admin/xpack/security/user/put"), true);
    assert.equal(actionSetMatches(EMPTY_ACTION_SET, "cluster:monitor/main"), false);
  });

  it("implication respects exclusions", () => {
    assert.equal(actionSetsImply([MANAGE], API_KEY), false);
    assert.equal(actionSetsImply([SECURITY], API_KEY), true);
    assert.equal(actionSetsImply([API_KEY], SECURITY), false);
    assert.equal(actionSetsImply([MANAGE], EMPTY_ACTION_SET), true);
    assert.equal(actionSetsImply([], EMPTY_ACTION_SET), true);
  });

  it("a hole in one granted set can be filled by another", () => {
    const everything = { include: ["cluster:*"], exclude: [] };
    const pki = { include: ["cluster:admin/xpack/security/delegate_pki"], exclude: [] };
    assert.equal(actionSetsImply([MANAGE, SECURITY], everything), false);
    assert.equal(actionSetsImply([MANAGE, SECURITY, pki], everything), true);
  });

  it("requested exclusions shrink what must be covered", () => {
    assert.equal(actionSetsImply([MANAGE], MANAGE), true);
    assert.equal(actionSetsImply([{ include: ["cluster:*"], exclude: ["cluster:admin/*"] }], MANAGE), false);
  });
});
