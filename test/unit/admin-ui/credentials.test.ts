import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { apiKeyCredentials, base64Utf8, parseSavedCredentials, passwordCredentials } from "../../../lib/admin-ui/credentials.js";

describe("admin UI: credentials", () => {
  it("encodes a user's password as Basic over UTF-8, non-Latin-1 characters included", () => {
    const { header } = passwordCredentials("zoë", "pässwörd-€");
    assert.equal(header, "Basic " + Buffer.from("zoë:pässwörd-€", "utf8").toString("base64"));
    assert.equal(base64Utf8("✓"), Buffer.from("✓", "utf8").toString("base64"));
  });

  it("takes an API key as its encoded value or as id:api_key", () => {
    const encoded = Buffer.from("k1:secret", "utf8").toString("base64");
    assert.deepEqual(apiKeyCredentials("k1:secret"), { header: `ApiKey ${encoded}` });
    assert.deepEqual(apiKeyCredentials(encoded), { header: `ApiKey ${encoded}` });
  });

  it("restores only a well-formed header from storage", () => {
    assert.deepEqual(parseSavedCredentials(JSON.stringify({ header: "Basic ZWxhc3RpYzpwdw==" })), { header: "Basic ZWxhc3RpYzpwdw==" });
    assert.deepEqual(parseSavedCredentials(JSON.stringify({ header: "ApiKey azE6cw==", extra: 1 })), { header: "ApiKey azE6cw==" });
    for (const raw of [
      null,
      "",
      "{",
      "null",
      "[]",
      '{"header": 5}',
      '{"header": "Bearer abc"}',
      '{"header": "Basic a b"}',
      '{"header": "Basic abc\\r\\nX-Evil: 1"}',
    ]) {
      assert.equal(parseSavedCredentials(raw), null, String(raw));
    }
  });
});
