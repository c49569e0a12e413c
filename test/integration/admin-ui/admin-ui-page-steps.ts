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

/** Loads the page and waits for its sign-in form. */
export async function openSignIn(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/_security/ui`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
}

/**
 * Signs in with a username and password, as a person would, and waits until the page names the
 * user. `remember` sets "Stay signed in for this tab" when given.
 */
export async function signInWithPassword(page: Page, username: string, password: string, remember?: boolean): Promise<void> {
  await page.getByLabel("Username and password").check();
  await page.getByLabel("Username", { exact: true }).fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  if (remember !== undefined) await page.getByLabel("Stay signed in for this tab").setChecked(remember);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.locator("#who-name").filter({ hasText: username }).waitFor();
}

/** Signs out and waits for the sign-in form. */
export async function signOutOfPage(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
}
