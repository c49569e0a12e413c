import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { chromiumSkipReason, launchChromium, type HeadlessChromium } from "../../support/headless-chromium.js";
import { basic } from "../../support/test-app.js";
import { ADMIN_PASSWORD, startAdminUiApp, type AdminUiApp } from "./admin-ui-app.js";
import { collectPageProblems, openSignIn, signInWithPassword } from "./admin-ui-page-steps.js";
import { contrastRatios } from "./contrast-ratios.js";

// build/test/integration/admin-ui → repository root
const screenshots = join(resolve(dirname(fileURLToPath(import.meta.url)), "../../../.."), "test-artifacts", "ui");

const ANN_PASSWORD = "ann-password";

interface LimitedKey {
  id: string;
  enabled?: boolean;
  limits?: {
    rate_limits: Array<{ name: string; limit: number; window: string; auto_apply: boolean }>;
    credits?: { remaining: number; leased: number };
  };
}

const skip = chromiumSkipReason();

describe("admin UI: API-key limits, credits and disable / enable, in headless Chromium", { skip }, () => {
  let t: AdminUiApp;
  let browser: HeadlessChromium;
  let page: Page;
  const problems: string[] = [];
  const encoded = new Map<string, string>();

  const keyByName = async (name: string): Promise<LimitedKey> => {
    const res = await t.admin("GET", `/_security/api_key?name=${encodeURIComponent(name)}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.api_keys.length, 1, `one key named ${name}`);
    return res.body.api_keys[0] as LimitedKey;
  };
  const balanceOf = async (name: string) => {
    const credits = (await keyByName(name)).limits?.credits;
    assert.ok(credits, `${name} has credits`);
    return credits.remaining + credits.leased;
  };
  const row = (name: string) => page.locator("#keys-body tr", { has: page.locator(".key-name", { hasText: new RegExp(`^${name}$`) }) });
  const settled = () => page.locator('.table-wrap[aria-busy="false"]').waitFor();
  const keyAuthenticates = async (name: string) =>
    (await t.call("GET", "/_security/_authenticate", { auth: `ApiKey ${encoded.get(name)}` })).status;
  const signIn = async (username: string, password: string) => {
    await signInWithPassword(page, username, password);
    await settled();
  };

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    t = await startAdminUiApp("admin_ui_key_limits_browser");
    assert.equal((await t.admin("PUT", "/_security/role/own_keys", { cluster: ["manage_own_api_key"] })).status, 200);
    assert.equal((await t.admin("PUT", "/_security/user/ann", { password: ANN_PASSWORD, roles: ["own_keys"] })).status, 200);
    const create = async (auth: string, body: Record<string, unknown>) => {
      const res = await t.call("POST", "/_security/api_key", { auth, body });
      assert.equal(res.status, 200, res.text);
      encoded.set(body.name as string, res.body.encoded as string);
    };
    await create(basic("elastic", ADMIN_PASSWORD), {
      name: "metered",
      limits: { rate_limits: [{ name: "default", limit: 100, window: "10s" }], credits: { remaining: 500 } },
    });
    await create(basic("elastic", ADMIN_PASSWORD), { name: "plain" });
    await create(basic("ann", ANN_PASSWORD), { name: "ann-key" });

    browser = await launchChromium();
    page = await browser.context.newPage();
    collectPageProblems(page, problems);
    await openSignIn(page, t.baseUrl);
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it("shows each key's rate limits with the window's use, and its credits", async () => {
    assert.equal(await keyAuthenticates("metered"), 200);
    await signIn("elastic", ADMIN_PASSWORD);
    const lines = await row("metered").locator(".limit-line").allTextContents();
    assert.equal(lines.length, 2, JSON.stringify(lines));
    assert.match(lines[0] ?? "", /^default: \d+ \/ 100 per 10s$/);
    // The request above spent a credit: the line shows the balance the server reports.
    assert.match(lines[1] ?? "", new RegExp(`^credits: ${await balanceOf("metered")} left( \\(\\d+ held by instances\\))?$`));
    assert.equal(await row("plain").locator('td[data-label="Limits"]').textContent(), "None");
    assert.equal(await row("plain").getByRole("button", { name: "Credits of plain" }).count(), 0, "no credits, no credits action");
    const ratios = await page.evaluate(contrastRatios, [".limit-line", ".limits-cell .muted", ".actions-cell .button.secondary.small"]);
    for (const { selector, ratio } of ratios) assert.ok(ratio >= 4.5, `contrast of ${selector} is ${ratio.toFixed(2)}:1`);
    await page.screenshot({ path: join(screenshots, "14-key-limits-desktop.png"), fullPage: true });
  });

  it("disables a key so that it is refused, and enables it again", async () => {
    assert.equal(await keyAuthenticates("plain"), 200);
    await page.getByRole("button", { name: "Disable plain" }).click();
    await page.locator("#notice").filter({ hasText: "Disabled plain." }).waitFor();
    await settled();
    assert.equal((await keyByName("plain")).enabled, false);
    assert.equal(await keyAuthenticates("plain"), 401);
    assert.equal(await row("plain").locator(".badge").textContent(), "disabled");
    const [disabled] = await page.evaluate(contrastRatios, ["#keys-body .badge-disabled"]);
    assert.ok(disabled && disabled.ratio >= 4.5, `contrast of the disabled badge is ${disabled?.ratio}`);

    await page.getByLabel("Status").selectOption("disabled");
    await page.getByRole("button", { name: "Apply" }).click();
    await settled();
    assert.deepEqual(await page.locator("#keys-body .key-name").allTextContents(), ["plain"]);
    await page.getByLabel("Status").selectOption("");
    await page.getByRole("button", { name: "Apply" }).click();
    await settled();

    await page.getByRole("button", { name: "Enable plain" }).click();
    await page.locator("#notice").filter({ hasText: "Enabled plain." }).waitFor();
    await settled();
    assert.equal((await keyByName("plain")).enabled, undefined);
    assert.equal(await keyAuthenticates("plain"), 200);
  });

  it("edits a key's limits in a dialog, showing the server's reason for a bad value", async () => {
    await page.getByRole("button", { name: "Edit limits of plain" }).click();
    assert.equal(await page.locator("#limits-dialog").isVisible(), true);
    assert.equal(await page.locator("#limits-json").inputValue(), "{}");

    const field = page.locator("#limits-json");
    await field.fill('{"rate_limits": [');
    await page.getByRole("button", { name: "Save limits" }).click();
    assert.match((await page.locator("#limits-error").textContent()) ?? "", /^Limits is not valid JSON/);

    await field.fill(JSON.stringify({ rate_limits: [{ name: "burst", limit: 5, window: "500ms" }] }));
    await page.getByRole("button", { name: "Save limits" }).click();
    await page.locator("#limits-error").filter({ hasText: "The limits were not saved" }).waitFor();
    assert.match((await page.locator("#limits-error").textContent()) ?? "", /must be between \[1s\] and \[1d\]/);
    await page.screenshot({ path: join(screenshots, "15-limits-dialog.png") });
    assert.equal((await keyByName("plain")).limits, undefined);

    await field.fill(JSON.stringify({ rate_limits: [{ name: "burst", limit: 5, window: "60s" }] }));
    await page.getByRole("button", { name: "Save limits" }).click();
    await page.locator("#notice").filter({ hasText: "Saved the limits of plain." }).waitFor();
    await settled();
    assert.equal(await page.locator("#limits-dialog").isVisible(), false);
    assert.deepEqual(
      (await keyByName("plain")).limits?.rate_limits.map(({ name, limit, window }) => ({ name, limit, window })),
      [{ name: "burst", limit: 5, window: "1m" }],
    );
    assert.match((await row("plain").locator(".limit-line").first().textContent()) ?? "", /^burst: \d+ \/ 5 per 1m$/);
  });

  it("adds credits and sets the balance", async () => {
    const before = await balanceOf("metered");
    await page.getByRole("button", { name: "Credits of metered" }).click();
    assert.equal(await page.locator("#credits-balance").textContent(), String(before));
    await page.getByLabel("Amount").fill("250");
    await page.locator("#credits-save").click();
    await page
      .locator("#notice")
      .filter({ hasText: `Credits of metered: balance ${before + 250}.` })
      .waitFor();
    await settled();
    assert.equal(await balanceOf("metered"), before + 250);

    await page.getByRole("button", { name: "Credits of metered" }).click();
    await page.getByLabel("Set the balance").check();
    await page.getByLabel("Amount").fill("-3");
    await page.locator("#credits-save").click();
    assert.equal(await page.locator("#credits-error").textContent(), "Enter a whole number.");
    await page.getByLabel("Amount").fill("100");
    await page.locator("#credits-save").click();
    await page.locator("#notice").filter({ hasText: "Credits of metered: balance 100." }).waitFor();
    await settled();
    assert.equal(await balanceOf("metered"), 100);
    assert.match(
      (await row("metered").locator(".limit-line").nth(1).textContent()) ?? "",
      /^credits: 100 left( \(\d+ held by instances\))?$/,
    );
  });

  it("sets limits when creating a key", async () => {
    await page.getByRole("button", { name: "New API key" }).click();
    await page.locator("#create-name").fill("ui-limited");
    await page.locator("#create-limits").fill("[1, 2]");
    await page.getByRole("button", { name: "Create key" }).click();
    assert.equal(await page.locator("#create-limits-error").textContent(), "Limits must be a JSON object, such as {}.");
    const limits = { rate_limits: [{ name: "default", limit: 20, window: "1h" }], credits: { remaining: 42 } };
    await page.locator("#create-limits").fill(JSON.stringify(limits));
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByRole("heading", { name: "Copy your new API key now" }).waitFor();
    const stored = await keyByName("ui-limited");
    assert.deepEqual(
      stored.limits?.rate_limits.map(({ name, limit, window }) => ({ name, limit, window })),
      limits.rate_limits,
    );
    assert.equal(stored.limits?.credits?.remaining, 42);
    await page.getByRole("button", { name: "I have stored it, hide the secret" }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
  });

  it("offers an owner without manage_api_key disable and enable, but not limits or credits", async () => {
    await signIn("ann", ANN_PASSWORD);
    const own = row("ann-key");
    await own.waitFor();
    assert.equal(await own.getByRole("button", { name: "Disable ann-key" }).count(), 1);
    assert.equal(await own.getByRole("button", { name: "Edit limits of ann-key" }).count(), 0);
    await own.getByRole("button", { name: "Disable ann-key" }).click();
    await page.locator("#notice").filter({ hasText: "Disabled ann-key." }).waitFor();
    assert.equal(await keyAuthenticates("ann-key"), 401);
  });

  it("raised no script error and no CSP violation", () => {
    assert.deepEqual(problems, []);
  });
});
