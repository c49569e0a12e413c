import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { chromiumSkipReason, launchChromium, type HeadlessChromium } from "../../support/headless-chromium.js";
import { basic } from "../../support/test-app.js";
import { ADMIN_PASSWORD, startAdminUiApp, type AdminUiApp } from "./admin-ui-app.js";
import { collectPageProblems, openSignIn, signInWithPassword, signOutOfPage } from "./admin-ui-page-steps.js";
import { contrastRatios } from "./contrast-ratios.js";

// build/test/integration/admin-ui → repository root
const screenshots = join(resolve(dirname(fileURLToPath(import.meta.url)), "../../../.."), "test-artifacts", "ui");

const PASSWORDS = { ann: "ann-password", rita: "rita-password", bob: "bob-password", nobody: "nobody-password" };
const NEW_BOB_PASSWORD = "bob-new-secret-42";

const skip = chromiumSkipReason();

describe("admin UI tabs: roles and users, in headless Chromium", { skip }, () => {
  let t: AdminUiApp;
  let browser: HeadlessChromium;
  let page: Page;
  const problems: string[] = [];
  const consoleText: string[] = [];
  /** Method, path and status of every `/_security` answer the page received. */
  const answers: Array<{ method: string; path: string; status: number }> = [];

  const shot = (name: string, fullPage = true) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage });
  /** WCAG AA: 4.5:1 for each selector's text, measured on the rendered page. */
  const assertContrast = async (selectors: string[]) => {
    const ratios = await page.evaluate(contrastRatios, selectors);
    for (const { selector, ratio } of ratios) assert.ok(ratio >= 4.5, `contrast of ${selector} is ${ratio.toFixed(2)}:1`);
    assert.equal(ratios.length, selectors.length);
  };
  const visibleTabs = async () => {
    const tabs: string[] = [];
    for (const tab of await page.getByRole("tab").all()) if (await tab.isVisible()) tabs.push((await tab.textContent()) ?? "");
    return tabs;
  };
  const signIn = (username: string, password: string) => signInWithPassword(page, username, password);
  const signOut = () => signOutOfPage(page);
  const usersSettled = () => page.locator('#users-wrap[aria-busy="false"]').waitFor();
  const userRow = (name: string) => page.locator(`#users-body tr[data-username="${name}"]`);
  const authenticates = async (username: string, password: string) =>
    (await t.call("GET", "/_security/_authenticate", { auth: basic(username, password) })).status;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    t = await startAdminUiApp("admin_ui_tabs_browser");
    for (const [name, cluster] of [
      ["own_keys", ["manage_own_api_key"]],
      ["security_reader", ["read_security"]],
    ] as const) {
      assert.equal((await t.admin("PUT", `/_security/role/${name}`, { cluster, metadata: { purpose: "tests" } })).status, 200);
    }
    const users: Array<[keyof typeof PASSWORDS, string[]]> = [
      ["ann", ["own_keys"]],
      ["rita", ["security_reader"]],
      ["bob", []],
      ["nobody", []],
    ];
    for (const [name, roles] of users) {
      const res = await t.admin("PUT", `/_security/user/${name}`, { password: PASSWORDS[name], roles, full_name: name.toUpperCase() });
      assert.equal(res.status, 200, res.text);
    }
    browser = await launchChromium();
    page = await browser.context.newPage();
    collectPageProblems(page, problems);
    page.on("console", (message) => consoleText.push(message.text()));
    page.on("response", (response) => {
      const url = new URL(response.url());
      if (url.pathname.startsWith("/_security/") && !url.pathname.startsWith("/_security/ui"))
        answers.push({ method: response.request().method(), path: url.pathname, status: response.status() });
    });
    await openSignIn(page, t.baseUrl);
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it("shows a superuser all three tabs, decided by one _has_privileges call", async () => {
    answers.length = 0;
    await signIn("elastic", ADMIN_PASSWORD);
    assert.deepEqual(await visibleTabs(), ["API keys", "Roles", "Users"]);
    assert.equal(await page.getByRole("tab", { name: "API keys" }).getAttribute("aria-selected"), "true");
    assert.equal(answers.filter((a) => a.path === "/_security/user/_has_privileges").length, 1);
  });

  it("lists roles with the built-in ones marked reserved, and shows one role's descriptor as JSON", async () => {
    await page.getByRole("tab", { name: "Roles" }).click();
    await page.locator('#roles-wrap[aria-busy="false"]').waitFor();
    await page.locator('#roles-body tr[data-role="own_keys"]').waitFor();
    assert.equal(await page.locator("#keys-view").isVisible(), false);
    const superuser = page.locator('#roles-body tr[data-role="superuser"]');
    assert.equal(await superuser.locator(".tag").textContent(), "reserved");
    const ownKeys = page.locator('#roles-body tr[data-role="own_keys"]');
    assert.equal(await ownKeys.locator(".tag").count(), 0);
    assert.equal(await ownKeys.locator('td[data-label="Cluster"]').textContent(), "manage_own_api_key");

    await page.getByRole("button", { name: "View role own_keys" }).click();
    await page.locator("#role-detail").waitFor();
    const expected = (await t.admin("GET", "/_security/role/own_keys")).body.own_keys as unknown;
    assert.deepEqual(JSON.parse((await page.locator("#role-detail-json").textContent()) ?? ""), expected);
    assert.equal(await page.locator("#role-detail-title").textContent(), "Role own_keys");

    await page.getByRole("button", { name: "View role superuser" }).click();
    await page.locator("#role-detail-title").filter({ hasText: "reserved" }).waitFor();
    const shown = JSON.parse((await page.locator("#role-detail-json").textContent()) ?? "{}") as { metadata?: { _reserved?: boolean } };
    assert.equal(shown.metadata?._reserved, true);
    await assertContrast([
      '.tab[aria-selected="true"]',
      '.tab[aria-selected="false"]',
      "#roles-body .tag",
      "#roles-body td",
      "#role-detail-json",
    ]);
    await shot("10-roles-desktop");
  });

  it("lists native users through the Query User API, saying built-in users are left out", async () => {
    answers.length = 0;
    await page.getByRole("tab", { name: "Users" }).click();
    await usersSettled();
    await userRow("bob").waitFor();
    const query = answers.find((a) => a.path === "/_security/_query/user");
    assert.equal(query?.status, 200, "the page asked the Query User API");
    assert.equal(answers.filter((a) => a.method === "GET" && a.path === "/_security/user").length, 0, "no fallback");
    // Native users only, as Elasticsearch's Query User API answers; the note says so.
    assert.deepEqual(await page.locator("#users-body .user-name").allTextContents(), ["ann", "bob", "nobody", "rita"]);
    assert.equal(await page.locator("#users-summary").textContent(), "Showing 1\u20134 of 4 users.");
    assert.match((await page.locator("#users-note").textContent()) ?? "", /Built-in users \(such as elastic\) are not listed\./);
    assert.equal(await userRow("bob").locator('td[data-label="Full name"]').textContent(), "BOB");
    assert.equal(await page.locator("#users-error").isVisible(), false);
    await assertContrast(["#users-note", "#users-summary", "#users-body .badge-enabled", "#users-body .button.secondary.small"]);
    await shot("11-users-desktop");
  });

  it("disables and enables a user, with the effect on their sign-in", async () => {
    assert.equal(await authenticates("bob", PASSWORDS.bob), 200);
    await page.getByRole("button", { name: "Disable user bob" }).click();
    await page.locator("#notice").filter({ hasText: "Disabled user bob." }).waitFor();
    await usersSettled();
    assert.equal(await userRow("bob").locator(".badge").textContent(), "disabled");
    await assertContrast(["#users-body .badge-disabled"]);
    assert.equal(await authenticates("bob", PASSWORDS.bob), 401);
    assert.equal((await t.admin("GET", "/_security/user/bob")).body.bob.enabled, false);

    await page.getByRole("button", { name: "Enable user bob" }).click();
    await page.locator("#notice").filter({ hasText: "Enabled user bob." }).waitFor();
    await usersSettled();
    assert.equal(await userRow("bob").locator(".badge").textContent(), "enabled");
    assert.equal(await authenticates("bob", PASSWORDS.bob), 200);
  });

  it("resets a password in a dialog that never keeps it in the page", async () => {
    await page.getByRole("button", { name: "Reset password of bob" }).click();
    assert.equal(await page.locator("#password-dialog").isVisible(), true);
    await page.getByLabel("New password").fill(NEW_BOB_PASSWORD);
    await page.getByLabel("Repeat the password").fill("something-else");
    await shot("12-password-dialog", false);
    await page.getByRole("button", { name: "Set password", exact: true }).click();
    assert.equal(await page.locator("#password-error").textContent(), "The two passwords differ.");
    assert.equal(await page.getByLabel("New password").inputValue(), "", "fields are emptied after every submit");
    assert.equal(await page.getByLabel("Repeat the password").inputValue(), "");
    assert.equal(await authenticates("bob", PASSWORDS.bob), 200, "nothing was sent");

    await page.getByLabel("New password").fill(NEW_BOB_PASSWORD);
    await page.getByLabel("Repeat the password").fill(NEW_BOB_PASSWORD);
    await page.getByRole("button", { name: "Set password", exact: true }).click();
    await page.locator("#notice").filter({ hasText: "The password of bob was changed." }).waitFor();
    assert.equal(await page.locator("#password-dialog").isVisible(), false);
    assert.equal(await page.getByLabel("New password").inputValue(), "");
    assert.equal(await authenticates("bob", NEW_BOB_PASSWORD), 200);
    assert.equal(await authenticates("bob", PASSWORDS.bob), 401);
    assert.equal((await page.content()).includes(NEW_BOB_PASSWORD), false, "the password is not in the page");
    assert.equal(
      consoleText.some((text) => text.includes(NEW_BOB_PASSWORD)),
      false,
      "the password was never logged",
    );

    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => {
      const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
      return g.document.documentElement.scrollWidth - g.innerWidth;
    });
    assert.ok(overflow <= 0, `no horizontal scrolling at 390px (overflow ${overflow}px)`);
    const card = await userRow("bob").boundingBox();
    assert.ok(card && card.width <= 390, "each user is a card within the screen");
    await shot("13-users-phone");
    await page.setViewportSize({ width: 1280, height: 900 });
    await signOut();
  });

  it("gives a read_security holder read-only Roles and Users tabs", async () => {
    await signIn("rita", PASSWORDS.rita);
    assert.deepEqual(await visibleTabs(), ["API keys", "Roles", "Users"]);
    await page.getByRole("tab", { name: "Users" }).click();
    await usersSettled();
    await userRow("ann").waitFor();
    assert.equal(await page.locator("#users-body button").count(), 0);
    assert.match((await page.locator("#users-note").textContent()) ?? "", /^Read-only/);
    // Arrow keys move between the tabs shown.
    await page.getByRole("tab", { name: "Users" }).press("ArrowLeft");
    assert.equal(await page.getByRole("tab", { name: "Roles" }).getAttribute("aria-selected"), "true");
    await page.locator('#roles-body tr[data-role="security_reader"]').waitFor();
    await signOut();
    assert.equal(await page.locator("#users-body tr").count(), 0, "sign-out forgets the users shown");
    assert.equal(await page.locator("#roles-body tr").count(), 0, "and the roles");
  });

  it("shows a manage_own_api_key user only the API-keys tab", async () => {
    await signIn("ann", PASSWORDS.ann);
    assert.deepEqual(await visibleTabs(), ["API keys"]);
    assert.equal(await page.locator("#roles-view").isVisible(), false);
    assert.equal(await page.locator("#users-view").isVisible(), false);
    await signOut();
  });

  it("tells a user without any of the privileges that there is nothing to manage", async () => {
    await signIn("nobody", PASSWORDS.nobody);
    assert.deepEqual(await visibleTabs(), []);
    assert.equal(await page.locator("#no-tabs").isVisible(), true);
    assert.equal(await page.locator("#keys-view").isVisible(), false);
    await signOut();
  });

  it("pages through more users than one page holds, with from and size", async () => {
    // A directory larger than a page, answered by the browser in the Query User API's shape.
    const bodies: Array<Record<string, unknown>> = [];
    await page.route("**/_security/_query/user", async (route) => {
      const body = JSON.parse(route.request().postData() ?? "{}") as Record<string, unknown>;
      bodies.push(body);
      const users = [
        {
          username: `q-${String(body.from)}-a`,
          roles: ["viewer"],
          full_name: "Queried",
          email: "q@example.com",
          enabled: true,
          metadata: {},
        },
        { username: "kibana_system", roles: ["kibana_system"], full_name: null, email: null, enabled: true, metadata: { _reserved: true } },
      ];
      await route.fulfill({
        status: 200,
        contentType: "application/json",
        body: JSON.stringify({ total: 30, count: users.length, users }),
      });
    });
    try {
      answers.length = 0;
      await signIn("elastic", ADMIN_PASSWORD);
      await page.getByRole("tab", { name: "Users" }).click();
      await usersSettled();
      await userRow("q-0-a").waitFor();
      assert.deepEqual(bodies[0], { from: 0, size: 25, sort: [{ username: { order: "asc" } }] });
      assert.equal(answers.filter((a) => a.method === "GET" && a.path === "/_security/user").length, 0, "no fallback");
      assert.equal(await userRow("q-0-a").locator('td[data-label="Email"]').textContent(), "q@example.com");
      assert.equal(await userRow("kibana_system").getByRole("button").count(), 0);
      assert.equal(await page.locator("#users-summary").textContent(), "Showing 1\u20132 of 30 users.");
      await page.getByRole("button", { name: "Next page" }).click();
      await userRow("q-25-a").waitFor();
      assert.equal(bodies.at(-1)?.from, 25);
      await signOut();
    } finally {
      await page.unroute("**/_security/_query/user");
    }
  });

  it("falls back to GET /user on a server without the Query User API (Elasticsearch before 8.14)", async () => {
    // Such a server answers an unknown route with a 400 "no handler found"; reloading resets the
    // page's memory of which endpoint works.
    await page.route("**/_security/_query/user", async (route) => {
      const reason = `no handler found for uri [/_security/_query/user] and method [${route.request().method()}]`;
      await route.fulfill({
        status: 400,
        contentType: "application/json",
        body: JSON.stringify({
          error: { root_cause: [{ type: "illegal_argument_exception", reason }], type: "illegal_argument_exception", reason },
          status: 400,
        }),
      });
    });
    try {
      await openSignIn(page, t.baseUrl);
      answers.length = 0;
      await signIn("elastic", ADMIN_PASSWORD);
      await page.getByRole("tab", { name: "Users" }).click();
      await usersSettled();
      await userRow("bob").waitFor();
      assert.equal(answers.find((a) => a.path === "/_security/_query/user")?.status, 400);
      assert.ok(
        answers.some((a) => a.method === "GET" && a.path === "/_security/user" && a.status === 200),
        "the page fell back to GET /_security/user",
      );
      assert.deepEqual(await page.locator("#users-body .user-name").allTextContents(), ["ann", "bob", "elastic", "nobody", "rita"]);
      assert.equal(await userRow("elastic").locator(".tag").first().textContent(), "reserved");
      assert.equal(await userRow("elastic").getByRole("button").count(), 0, "a reserved user cannot be changed");
      assert.doesNotMatch((await page.locator("#users-note").textContent()) ?? "", /Built-in users/);
      await assertContrast(["#users-body .tag"]);
      assert.equal(await page.locator("#users-error").isVisible(), false);
      await signOut();
    } finally {
      await page.unroute("**/_security/_query/user");
    }
  });

  it("raised no script error and no CSP violation", () => {
    assert.deepEqual(problems, []);
  });
});
