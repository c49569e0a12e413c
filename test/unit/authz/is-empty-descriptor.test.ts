import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isEmptyDescriptor } from "../../../lib/authz/is-empty-descriptor.js";

describe("isEmptyDescriptor", () => {
  it("is RoleDescriptor.isEmpty: grants nothing and carries nothing", () => {
    const base = { cluster: [], indices: [], applications: [], run_as: [], metadata: {}, transient_metadata: { enabled: true } };
    assert.equal(isEmptyDescriptor(base), true);
    assert.equal(isEmptyDescriptor({ ...base, run_as: ["x"] }), false);
    assert.equal(isEmptyDescriptor({ ...base, metadata: { a: 1 } }), false);
    assert.equal(isEmptyDescriptor({ ...base, restriction: { workflows: ["search_application_query"] } }), false);
  });

  it("counts a non-empty global section, and ignores an empty one", () => {
    const base = { cluster: [], indices: [], applications: [], run_as: [], metadata: {}, transient_metadata: { enabled: true } };
    assert.equal(isEmptyDescriptor({ ...base, global: {} }), true);
    assert.equal(isEmptyDescriptor({ ...base, global: { application: { manage: { applications: ["app"] } } } }), false);
  });
});
