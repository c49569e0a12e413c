import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { brokenLinks, headingAnchors, listMarkdownFiles, relativeLinks } from "./markdown-links.js";

// Compiled to build/test/unit/docs/: the markdown files live in the repository, outside build/.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");

describe("documentation links", () => {
  test("every relative link of every markdown file points to an existing file and heading", () => {
    const files = listMarkdownFiles(repoRoot);
    assert.ok(files.includes("README.md") && files.includes("docs/options.md"), `found ${files.join(", ")}`);
    const problems = files.flatMap((file) => brokenLinks(repoRoot, file));
    assert.deepEqual(problems, []);
  });

  test("the README links to every page under docs/", () => {
    const linked = new Set(relativeLinks(readFileSync(join(repoRoot, "README.md"), "utf8")).map((link) => link.target));
    const pages = readdirSync(join(repoRoot, "docs")).filter((name) => name.endsWith(".md"));
    assert.ok(pages.length > 0);
    assert.deepEqual(
      pages.filter((page) => !linked.has(`docs/${page}`)),
      [],
    );
  });

  test("the check reports a missing file and a missing heading, and ignores links in code", () => {
    const root = mkdtempSync(join(tmpdir(), "kg-docs-"));
    try {
      mkdirSync(join(root, "docs"));
      writeFileSync(join(root, "docs", "page.md"), "# A page\n\n## The demo's alerts: work\n");
      writeFileSync(
        join(root, "README.md"),
        [
          "[ok](docs/page.md) [ok heading](docs/page.md#the-demos-alerts-work) [web](https://example.com/x.md)",
          "[gone](docs/missing.md) [bad heading](docs/page.md#nowhere) [self](#nothing-here)",
          "`[in code](docs/also-missing.md)`",
          "```\n[fenced](docs/fenced-missing.md)\n```",
        ].join("\n"),
      );
      assert.deepEqual(brokenLinks(root, "README.md"), [
        "README.md: [gone](docs/missing.md): no such file",
        "README.md: [bad heading](docs/page.md#nowhere): no such heading",
        "README.md: [self](#nothing-here): no such heading",
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("heading anchors follow GitHub's rules, repeated headings numbered", () => {
    assert.deepEqual(
      [...headingAnchors("# `req.security`\n## Custom realms (sessions, cookies)\n## Limits\n## Limits\n```\n# not a heading\n```\n")],
      ["reqsecurity", "custom-realms-sessions-cookies", "limits", "limits-1"],
    );
  });
});
