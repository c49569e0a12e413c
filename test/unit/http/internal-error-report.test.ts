import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { reportToStderr } from "../../../lib/support/report-to-stderr.js";

describe("reportToStderr (the default onInternalError)", () => {
  it("writes the name, code, method, path and stack frames, never the message", () => {
    const lines: string[] = [];
    // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, unbound
    const write = process.stderr.write;
    process.stderr.write = (chunk: string) => {
      lines.push(String(chunk));
      return true;
    };
    try {
      reportToStderr(Object.assign(new TypeError('Cast failed for value "kg_secret"'), { code: "E_CAST" }), {
        method: "POST",
        path: "/_security/api_key",
      });
      reportToStderr("a string", { method: "GET", path: "/" });
    } finally {
      process.stderr.write = write;
    }
    const [first, second] = lines;
    assert.match(first ?? "", /^express-keyguard: internal error answering POST \/_security\/api_key: TypeError \(code E_CAST\)\n\s+at /);
    assert.doesNotMatch(first ?? "", /kg_secret|Cast failed/);
    assert.equal(second, "express-keyguard: internal error answering GET /: string\n");
  });
});
