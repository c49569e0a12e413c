import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createKeyRequest, fieldOfServerError } from "../../../lib/admin-ui/create-key-request.js";

const valid = { name: "ci-deploy", expiration: "", roleDescriptors: "", metadata: "" };

describe("admin UI: the create-key form", () => {
  it("sends the name alone when nothing else is filled in", () => {
    assert.deepEqual(createKeyRequest(valid), { ok: true, body: { name: "ci-deploy" } });
  });

  it("sends expiration, role descriptors and metadata as entered", () => {
    const checked = createKeyRequest({
      name: "ci",
      expiration: " 30d ",
      roleDescriptors: '{"r": {"cluster": ["monitor"]}}',
      metadata: '{"team": "ui", "tier": 2}',
    });
    assert.deepEqual(checked, {
      ok: true,
      body: { name: "ci", expiration: "30d", role_descriptors: { r: { cluster: ["monitor"] } }, metadata: { team: "ui", tier: 2 } },
    });
  });

  it("accepts Elasticsearch's time units and -1, and nothing else", () => {
    for (const expiration of ["1nanos", "5micros", "10ms", "45s", "90m", "12h", "7d", "-1"])
      assert.equal(createKeyRequest({ ...valid, expiration }).ok, true, expiration);
    for (const expiration of ["7", "d", "1w", "1.5h", "-2", "7 d"]) {
      assert.deepEqual(
        createKeyRequest({ ...valid, expiration }),
        { ok: false, field: "create-expiration", message: "Use a number and a unit, such as 30d, 12h, 90m or 45s." },
        expiration,
      );
    }
  });

  it("reports the first wrong field in form order", () => {
    assert.deepEqual(createKeyRequest({ name: " ", expiration: "soon", roleDescriptors: "[", metadata: "[" }), {
      ok: false,
      field: "create-name",
      message: "Enter a name for the key.",
    });
    const broken = createKeyRequest({ ...valid, roleDescriptors: '{"reader": {', metadata: "[]" });
    assert.equal(broken.ok, false);
    assert.equal(!broken.ok && broken.field, "create-role-descriptors");
    assert.match(!broken.ok ? broken.message : "", /^Role descriptors is not valid JSON: /);
    assert.deepEqual(createKeyRequest({ ...valid, metadata: "[1]" }), {
      ok: false,
      field: "create-metadata",
      message: "Metadata must be a JSON object, such as {}.",
    });
    assert.deepEqual(createKeyRequest({ ...valid, metadata: "null" }), {
      ok: false,
      field: "create-metadata",
      message: "Metadata must be a JSON object, such as {}.",
    });
  });

  it("places a server error next to the field it is about", () => {
    assert.equal(
      fieldOfServerError("unknown cluster privilege [no_such_privilege]. a privilege must be either..."),
      "create-role-descriptors",
    );
    assert.equal(fieldOfServerError("failed to parse setting [expiration] with value [soon] as a time value"), "create-expiration");
    assert.equal(fieldOfServerError("metadata keys may not start with [_]"), "create-metadata");
    assert.equal(fieldOfServerError("[name] must not be longer than 1024 characters"), "create-name");
    assert.equal(fieldOfServerError("index [security] is unavailable"), null);
  });

  it("sends limits as entered, refuses a non-object, and puts the server's limits errors by that field", () => {
    const limits = { rate_limits: [{ name: "default", limit: 100, window: "10s" }], credits: { remaining: 5 } };
    assert.deepEqual(createKeyRequest({ ...valid, limits: JSON.stringify(limits) }), { ok: true, body: { name: "ci-deploy", limits } });
    assert.deepEqual(createKeyRequest({ ...valid, limits: "[]" }), {
      ok: false,
      field: "create-limits",
      message: "Limits must be a JSON object, such as {}.",
    });
    assert.equal(
      fieldOfServerError("Validation Failed: 1: [limits.rate_limits[0].window] must be between [1s] and [1d] but was [500ms];"),
      "create-limits",
    );
    assert.equal(fieldOfServerError("[limits] unknown field [rate]"), "create-limits");
  });
});
