import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sanitizeApiBase } from "../../../lib/admin-ui/api-base.js";

describe("admin UI: the API prefix handed over by the server", () => {
  it("keeps a same-origin path, without trailing slashes", () => {
    assert.equal(sanitizeApiBase(""), "");
    assert.equal(sanitizeApiBase("/es"), "/es");
    assert.equal(sanitizeApiBase("/es/v1//"), "/es/v1");
  });

  it("drops anything that could point the credentials at another host", () => {
    for (const value of ["//evil.example", "https://evil.example", "evil.example", "/\\evil.example", "\\\\evil"])
      assert.equal(sanitizeApiBase(value), "", value);
  });
});
