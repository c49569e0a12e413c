import type { Page } from "playwright-core";

/**
 * Records into `problems` every script error of `page` and every console error but Chromium's
 * "Failed to load resource" line, which it logs for each non-2xx fetch (the tests' 401s and 400s
 * are expected). A CSP violation is a console error, so it lands here too.
 */
export function collectPageProblems(page: Page, problems: string[]): void {
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(String(error)));
}
