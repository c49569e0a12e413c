import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultListQuery } from "../../../lib/admin-ui/list-query.js";
import { pagerText } from "../../../lib/admin-ui/pager-text.js";

describe("admin UI: the pager and result summary", () => {
  it("counts from the page's first key and names the sort", () => {
    const byName = { ...defaultListQuery(), sortField: "name" as const, sortOrder: "asc" as const };
    assert.deepEqual(pagerText(byName, 1, 6, 16), {
      summary: "Showing 11\u201316 of 16 keys, sorted by name (ascending).",
      pageInfo: "Page 2 of 2",
      prevDisabled: false,
      nextDisabled: true,
    });
    assert.deepEqual(pagerText(defaultListQuery(), 0, 10, 16), {
      summary: "Showing 1\u201310 of 16 keys, sorted by created (descending).",
      pageInfo: "Page 1 of 2",
      prevDisabled: true,
      nextDisabled: false,
    });
  });

  it("says so when nothing matches, and offers no next page", () => {
    assert.deepEqual(pagerText(defaultListQuery(), 0, 0, 0), { summary: "No keys.", pageInfo: "", prevDisabled: true, nextDisabled: true });
    // A page that came back empty while others match: no claim about the count.
    assert.equal(pagerText(defaultListQuery(), 2, 0, 5).summary, "");
  });
});
