import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultListQuery, listQueryFromForm, withSortBy } from "../../../lib/admin-ui/list-query.js";

const form = { scope: "all", name: "", owner: "", status: "", sort: "creation:desc", size: "10" };

describe("admin UI: list filters and sort", () => {
  it("reads the filter form, trimming the text fields", () => {
    assert.deepEqual(
      listQueryFromForm({ scope: "own", name: "  batch ", owner: " ann", status: "expired", sort: "expiration:asc", size: "50" }),
      {
        scope: "own",
        name: "batch",
        owner: "ann",
        status: "expired",
        sortField: "expiration",
        sortOrder: "asc",
        size: 50,
      },
    );
  });

  it("falls back to the defaults for values the form never offers", () => {
    assert.deepEqual(
      listQueryFromForm({ scope: "everyone", name: "", owner: "", status: "deleted", sort: "id:sideways", size: "1000" }),
      defaultListQuery(),
    );
    assert.equal(listQueryFromForm({ ...form, size: "0" }).size, 10);
    assert.equal(listQueryFromForm({ ...form, size: "abc" }).size, 10);
    assert.equal(listQueryFromForm({ ...form, size: "100" }).size, 100);
  });

  it("flips the order of the sorted column and starts another column in its natural order", () => {
    const byCreation = defaultListQuery();
    assert.deepEqual([withSortBy(byCreation, "creation").sortField, withSortBy(byCreation, "creation").sortOrder], ["creation", "asc"]);
    const byName = withSortBy(byCreation, "name");
    assert.deepEqual([byName.sortField, byName.sortOrder], ["name", "asc"]);
    assert.equal(withSortBy(byName, "name").sortOrder, "desc");
    assert.equal(withSortBy(byName, "expiration").sortOrder, "asc");
    assert.equal(byCreation.sortField, "creation", "the query it was given is left as it was");
  });
});
