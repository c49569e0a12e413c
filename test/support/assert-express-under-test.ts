import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import express from "express";

/**
 * The Express major this run targets: `npm test` runs every file on Express 5 and a
 * representative set again on Express 4 (`KEYGUARD_TEST_EXPRESS=4`, `express` resolved to the
 * `express4` package). A file run directly with node is on Express 5.
 */
export const EXPRESS_MAJOR_UNDER_TEST = Number(process.env.KEYGUARD_TEST_EXPRESS ?? "5");

/**
 * Fails unless this process really runs the targeted Express, so an Express 4 run cannot pass on
 * Express 5 unnoticed. `libraryRouter` (from `security.router()`) proves the library's own
 * `import "express"` gave the same Express as the app's. Returns the version found.
 */
export function assertExpressUnderTest(libraryRouter: { use: unknown }): string {
  const entry = import.meta.resolve("express");
  const manifest: unknown = JSON.parse(readFileSync(new URL("./package.json", entry), "utf8"));
  const version = typeof manifest === "object" && manifest !== null && "version" in manifest ? String(manifest.version) : "";
  assert.equal(
    Number(version.split(".")[0]),
    EXPRESS_MAJOR_UNDER_TEST,
    `express resolved to ${version || "an unknown version"} (${entry})`,
  );
  assert.equal(libraryRouter.use, express.Router().use, "the library's router was built by another Express than the app's");
  return version;
}
