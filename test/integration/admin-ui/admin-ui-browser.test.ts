import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { chromiumSkipReason, launchChromium, type HeadlessChromium } from "../../support/headless-chromium.js";
import { basic } from "../../support/test-app.js";
import { ADMIN_PASSWORD, startAdminUiApp, type AdminUiApp } from "./admin-ui-app.js";
import { collectPageProblems, signInWithPassword, signOutOfPage } from "./admin-ui-page-steps.js";
import { contrastRatios } from "./contrast-ratios.js";

// build/test/integration/admin-ui → repository root
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const screenshots = join(root, "test-artifacts", "ui");
const ANN_PASSWORD = "ann-password";
const BATCH = Array.from({ length: 12 }, (_, i) => `batch-${String(i + 1).padStart(2, "0")}`);

interface KeyInfo {
  id: string;
  name: string;
  username: string;
  invalidated: boolean;
  expiration?: number;
  metadata: Record<string, unknown>;
  role_descriptors: Record<string, { cluster: string[] }>;
}

/** The browser globals the page-side callbacks use. */
interface BrowserGlobals {
  document: { activeElement: { id: string; getAttribute(name: string): string | null } | null; documentElement: { scrollWidth: number } };
  localStorage: { length: number };
  sessionStorage: { length: number };
  navigator: { clipboard: { readText(): Promise<string> } };
  innerWidth: number;
}

/** Text styles whose contrast is measured (every one is on the first page of the seeded list). */
const CONTRAST_SELECTORS = [
  ".brand",
  "#who-detail",
  "#sign-out",
  "#scope-note",
  ".hint",
  "#result-summary",
  ".sort-button",
  "thead th",
  ".key-name",
  ".key-id",
  ".owner-realm",
  ".tag",
  ".badge-active",
  ".badge-expired",
  ".badge-invalidated",
  ".button.primary",
  ".button.secondary",
  ".button.danger.small",
  ".button:disabled",
  ".key-details summary",
  "#page-info",
];

const skip = chromiumSkipReason();

describe("admin UI in headless Chromium", { skip }, () => {
  let t: AdminUiApp;
  let browser: HeadlessChromium;
  let page: Page;
  const ids = new Map<string, string>();
  const problems: string[] = [];
  const queryBodies: Array<Record<string, unknown>> = [];
  /** Cookie and Authorization headers of the page's API calls (the page's own URLs excluded). */
  const apiCalls: Array<{ url: string; cookie: string | undefined; authorization: string | undefined }> = [];
  /** Cookie headers of the requests for the page and its assets. */
  const pageCookies: Array<string | undefined> = [];

  const keyByName = async (name: string): Promise<KeyInfo> => {
    const res = await t.admin("GET", `/_security/api_key?name=${encodeURIComponent(name)}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.api_keys.length, 1, `one key named ${name}`);
    return res.body.api_keys[0] as KeyInfo;
  };
  // The page forbids eval (CSP), so browser-side code is passed as functions; the casts stand in
  // for the DOM library, which the test program is compiled without.
  const focusedId = () => page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.id);
  const storedCounts = () =>
    page.evaluate(() => [
      (globalThis as unknown as BrowserGlobals).localStorage.length,
      (globalThis as unknown as BrowserGlobals).sessionStorage.length,
    ]);
  const shot = (name: string, fullPage = true) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage });
  const rowNames = () => page.locator("#keys-body tr .key-name").allTextContents();
  const summary = () => page.locator("#result-summary").textContent();
  /** Waits for the list to settle after an action that reloads it. */
  const settled = async () => {
    await page.locator('.table-wrap[aria-busy="false"]').waitFor();
  };
  const applyFilters = async (values: { name?: string; owner?: string; status?: string; sort?: string; size?: string }) => {
    await page.locator("#filter-name").fill(values.name ?? "");
    if (await page.getByLabel("Owner", { exact: true }).isVisible())
      await page.getByLabel("Owner", { exact: true }).fill(values.owner ?? "");
    await page.getByLabel("Status").selectOption(values.status ?? "");
    await page.getByLabel("Sort by").selectOption(values.sort ?? "creation:desc");
    await page.getByLabel("Per page").selectOption(values.size ?? "10");
    await page.getByRole("button", { name: "Apply" }).click();
    await settled();
  };
  const signIn = async (username: string, password: string, remember = false) => {
    await signInWithPassword(page, username, password, remember);
    await settled();
  };
  const signOut = () => signOutOfPage(page);

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    t = await startAdminUiApp("admin_ui_browser");
    assert.equal((await t.admin("PUT", "/_security/role/own_keys", { cluster: ["manage_own_api_key"] })).status, 200);
    assert.equal(
      (await t.admin("PUT", "/_security/user/ann", { password: ANN_PASSWORD, roles: ["own_keys"], full_name: "Ann" })).status,
      200,
    );
    const create = async (auth: string, body: Record<string, unknown>) => {
      const res = await t.call("POST", "/_security/api_key", { auth, body });
      assert.equal(res.status, 200, res.text);
      ids.set(body.name as string, res.body.id as string);
      return res.body as { id: string; encoded: string };
    };
    const elastic = basic("elastic", ADMIN_PASSWORD);
    for (const [i, name] of BATCH.entries())
      await create(elastic, { name, metadata: { batch: i + 1, team: i % 2 === 0 ? "blue" : "green" } });
    await create(elastic, { name: "old-expired", expiration: "1ms" });
    await create(elastic, { name: "old-invalidated" });
    assert.equal((await t.admin("DELETE", "/_security/api_key", { ids: [ids.get("old-invalidated")] })).status, 200);
    await create(basic("ann", ANN_PASSWORD), { name: "ann-own" });
    const granted = await t.admin("POST", "/_security/api_key/grant", {
      grant_type: "password",
      username: "ann",
      password: ANN_PASSWORD,
      api_key: { name: "ann-granted", metadata: { purpose: "alerts" } },
    });
    assert.equal(granted.status, 200, granted.text);
    ids.set("ann-granted", granted.body.id as string);

    browser = await launchChromium();
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: t.baseUrl });
    // A cookie of the same origin, as another app on it could set: the API calls must not carry it.
    await browser.context.addCookies([{ name: "other_app_session", value: "ride-along", url: t.baseUrl }]);
    page = await browser.context.newPage();
    collectPageProblems(page, problems);
    page.on("request", (request) => {
      if (request.url().endsWith("/_security/_query/api_key"))
        queryBodies.push(JSON.parse(request.postData() ?? "{}") as Record<string, unknown>);
      const path = new URL(request.url()).pathname;
      void request.allHeaders().then((headers) => {
        if (path.startsWith("/_security/ui")) pageCookies.push(headers.cookie);
        else if (path.startsWith("/_security/")) apiCalls.push({ url: path, cookie: headers.cookie, authorization: headers.authorization });
      });
    });
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it("serves the page under its CSP and refuses a wrong password with the server's reason", async () => {
    const response = await page.goto(`${t.baseUrl}/_security/ui`);
    assert.equal(response?.status(), 200);
    assert.match((await response?.allHeaders())?.["content-security-policy"] ?? "", /script-src 'self'/);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    assert.equal(await focusedId(), "sign-in-title");
    await shot("01-sign-in-desktop");

    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    assert.equal(await page.locator("#sign-in-error").textContent(), "Enter your username.");
    assert.equal(await page.getByLabel("Username", { exact: true }).getAttribute("aria-invalid"), "true");

    await page.getByLabel("Username", { exact: true }).fill("elastic");
    await page.getByLabel("Password", { exact: true }).fill("wrong-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.locator("#sign-in-error").filter({ hasText: "Sign-in failed" }).waitFor();
    assert.match((await page.locator("#sign-in-error").textContent()) ?? "", /unable to authenticate user \[elastic\]/);
    assert.equal(await page.locator("#keys-view").isVisible(), false);
  });

  it("signs in, keeps credentials out of storage, and lists every key for a superuser", async () => {
    await signIn("elastic", ADMIN_PASSWORD);
    assert.equal(await focusedId(), "list-title");
    assert.deepEqual(await storedCounts(), [0, 0]);
    assert.match((await page.locator("#scope-note").textContent()) ?? "", /manage_api_key/);
    assert.match((await summary()) ?? "", /^Showing 1–10 of 16 keys, sorted by created \(descending\)\.$/);
    assert.equal((await rowNames()).length, 10);
    // Newest first: the last created key leads.
    assert.equal((await rowNames())[0], "ann-granted");
    await shot("02-list-desktop");

    // WCAG AA: 4.5:1 for the page's text styles, measured on the rendered page.
    const ratios = await page.evaluate(contrastRatios, CONTRAST_SELECTORS);
    for (const { selector, ratio } of ratios) assert.ok(ratio >= 4.5, `contrast of ${selector} is ${ratio.toFixed(2)}:1`);
    assert.equal(ratios.length, CONTRAST_SELECTORS.length);
  });

  it("shows the owner of a granted key, statuses and metadata, and filters by owner, name and status", async () => {
    await applyFilters({ owner: "ann" });
    assert.deepEqual((await rowNames()).sort(), ["ann-granted", "ann-own"]);
    const grantedRow = page.locator("tr", { has: page.locator(".key-name", { hasText: "ann-granted" }) });
    assert.equal(await grantedRow.locator(".owner-name").textContent(), "ann");
    assert.equal(await grantedRow.locator(".owner-realm").textContent(), "native");
    assert.equal(await grantedRow.locator(".badge").textContent(), "active");
    assert.equal(await grantedRow.locator(".metadata-summary").textContent(), "purpose: alerts");
    await grantedRow.getByText("Details").click();
    assert.match((await grantedRow.locator("pre.json").textContent()) ?? "", /"purpose": "alerts"/);

    await applyFilters({ name: "BATCH-1" });
    assert.deepEqual((await rowNames()).sort(), ["batch-10", "batch-11", "batch-12"]);
    await applyFilters({ name: "batch-0?" });
    assert.equal((await rowNames()).length, 9);

    await applyFilters({ status: "expired" });
    assert.deepEqual(await rowNames(), ["old-expired"]);
    assert.equal(await page.locator("#keys-body .badge").textContent(), "expired");
    await applyFilters({ status: "invalidated" });
    assert.deepEqual(await rowNames(), ["old-invalidated"]);
    assert.equal(await page.locator("#keys-body .row-select").isDisabled(), true);
    await applyFilters({ status: "active" });
    assert.match((await summary()) ?? "", /of 14 keys/);

    await applyFilters({ name: "no-such-key" });
    assert.equal(await page.locator("#empty-state").isVisible(), true);
    await applyFilters({});
  });

  it("sorts by name from the keyboard and pages with search_after", async () => {
    const expected = (await t.admin("POST", "/_security/_query/api_key", { size: 100, sort: [{ name: "asc" }] })).body.api_keys.map(
      (k: KeyInfo) => k.name,
    ) as string[];
    assert.equal(expected.length, 16);

    queryBodies.length = 0;
    await page.locator('button[data-sort="name"]').focus();
    await page.keyboard.press("Enter");
    await settled();
    assert.equal(await page.locator('th[data-sort-field="name"]').getAttribute("aria-sort"), "ascending");
    assert.equal(await page.getByLabel("Sort by").inputValue(), "name:asc");
    const first = await rowNames();
    assert.deepEqual(first, expected.slice(0, 10));
    assert.deepEqual(queryBodies.at(-1)?.sort, [{ name: { order: "asc" } }, "_doc"]);
    assert.equal(queryBodies.at(-1)?.search_after, undefined);

    await page.getByRole("button", { name: "Next page" }).click();
    await settled();
    const second = await rowNames();
    assert.deepEqual(second, expected.slice(10));
    assert.ok(Array.isArray(queryBodies.at(-1)?.search_after), "the second page is asked for with search_after");
    assert.equal(await page.locator("#page-info").textContent(), "Page 2 of 2");
    assert.equal(await page.getByRole("button", { name: "Next page" }).isDisabled(), true);
    // The pressed button is disabled on the last page: focus moved to a live control.
    assert.equal(await focusedId(), "page-prev");

    await page.getByRole("button", { name: "Previous page" }).click();
    await settled();
    assert.deepEqual(await rowNames(), first);

    await page.locator('button[data-sort="name"]').click();
    await settled();
    assert.equal(await page.locator('th[data-sort-field="name"]').getAttribute("aria-sort"), "descending");
    assert.deepEqual(await rowNames(), [...expected].reverse().slice(0, 10));
  });

  it("validates a new key's JSON, shows Elasticsearch's error, then shows the secret once and copies it", async () => {
    await page.getByRole("button", { name: "New API key" }).click();
    assert.equal(await page.getByRole("button", { name: "Close form" }).getAttribute("aria-expanded"), "true");
    assert.equal(await focusedId(), "create-name");
    await page.locator("#create-name").fill("ui-created");
    await page.getByLabel("Expiration").fill("7d");
    await page.getByLabel("Role descriptors (JSON)").fill('{"reader": {"cluster": ["monitor"]');
    await page.getByRole("button", { name: "Create key" }).click();
    assert.match((await page.locator("#create-role-descriptors-error").textContent()) ?? "", /^Role descriptors is not valid JSON: /);
    assert.equal(await page.getByLabel("Role descriptors (JSON)").getAttribute("aria-invalid"), "true");
    assert.equal(await focusedId(), "create-role-descriptors");

    const refused = { reader: { cluster: ["no_such_privilege"] } };
    const apiError = await t.admin("POST", "/_security/api_key", { name: "ui-created", role_descriptors: refused });
    assert.equal(apiError.status, 400);
    await page.getByLabel("Role descriptors (JSON)").fill(JSON.stringify(refused));
    await page.getByRole("button", { name: "Create key" }).click();
    await page.locator("#create-error").filter({ hasText: "The key was not created" }).waitFor();
    assert.equal(
      await page.locator("#create-error").textContent(),
      "The key was not created: the server refused the role descriptors (see the message under that field).",
    );
    assert.equal(
      await page.locator("#create-role-descriptors-error").textContent(),
      apiError.body.error.reason,
      "the page shows Elasticsearch's reason by the field",
    );
    assert.match(apiError.body.error.reason as string, /unknown cluster privilege \[no_such_privilege\]/);
    assert.equal(await focusedId(), "create-role-descriptors");
    await page.locator("#create-panel").evaluate((panel) => panel.scrollIntoView());
    await shot("03-create-error-desktop", false);

    await page.getByLabel("Role descriptors (JSON)").fill('{"reader": {"cluster": ["monitor"]}}');
    await page.getByLabel("Metadata (JSON)").fill('{"team": "ui", "tier": 2}');
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByRole("heading", { name: "Copy your new API key now" }).waitFor();
    assert.equal(await focusedId(), "secret-panel");
    assert.match((await page.locator("#secret-panel .warning").textContent()) ?? "", /only time the secret is shown/);
    const encoded = await page.getByLabel(/Encoded value/).inputValue();
    const secret = await page.getByLabel(/Secret/).inputValue();
    assert.match(encoded, /^[A-Za-z0-9+/]+=*$/);
    assert.equal(Buffer.from(encoded, "base64").toString("utf8"), `${await page.locator("#secret-id").textContent()}:${secret}`);

    await page.getByRole("button", { name: "Copy encoded" }).click();
    await page.locator("#copy-status").filter({ hasText: "copied" }).waitFor();
    assert.equal(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).navigator.clipboard.readText()), encoded);
    await shot("04-secret-desktop");

    // The key works and was stored as entered.
    const me = await t.call("GET", "/_security/_authenticate", { auth: `ApiKey ${encoded}` });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.api_key.name, "ui-created");
    const stored = await keyByName("ui-created");
    assert.deepEqual(stored.metadata, { team: "ui", tier: 2 });
    assert.deepEqual(stored.role_descriptors.reader?.cluster, ["monitor"]);
    const week = 7 * 24 * 3600 * 1000;
    assert.ok(stored.expiration !== undefined && Math.abs(stored.expiration - (Date.now() + week)) < 120_000);

    await page.getByRole("button", { name: "I have stored it, hide the secret" }).click();
    assert.equal(await page.locator("#secret-panel").isVisible(), false);
    assert.equal((await page.content()).includes(secret), false, "the secret is gone from the page");
    assert.equal(await focusedId(), "create-toggle");
    await settled();
    assert.ok((await rowNames()).includes("ui-created"));
  });

  it("invalidates one key or several only after confirmation", async () => {
    await applyFilters({ name: "batch", sort: "name:asc" });
    assert.deepEqual(await rowNames(), BATCH.slice(0, 10));

    const single = page.getByRole("button", { name: "Invalidate batch-01" });
    await single.click();
    assert.equal(await page.locator("#confirm-dialog").isVisible(), true);
    assert.equal(await focusedId(), "confirm-cancel");
    await page.keyboard.press("Escape");
    assert.equal(await page.locator("#confirm-dialog").isVisible(), false);
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.getAttribute("aria-label")),
      "Invalidate batch-01",
    );
    assert.equal((await keyByName("batch-01")).invalidated, false);

    await page.getByRole("checkbox", { name: "Select batch-02" }).check();
    await page.getByRole("checkbox", { name: "Select batch-03" }).check();
    await page.getByRole("button", { name: "Invalidate selected (2)" }).click();
    assert.deepEqual((await page.locator("#confirm-list li strong").allTextContents()).sort(), ["batch-02", "batch-03"]);
    assert.equal(await page.locator("#confirm-text").textContent(), "Invalidate these 2 API keys?");
    await shot("05-confirm-desktop", false);
    await page.getByRole("button", { name: "Invalidate", exact: true }).click();
    await page.locator("#notice").filter({ hasText: "Invalidated 2 keys." }).waitFor();
    await settled();
    assert.equal((await keyByName("batch-02")).invalidated, true);
    assert.equal((await keyByName("batch-03")).invalidated, true);
    assert.equal((await keyByName("batch-01")).invalidated, false);
    const row = page.locator("tr", { has: page.locator(".key-name", { hasText: "batch-02" }) });
    assert.equal(await row.locator(".badge").textContent(), "invalidated");
    assert.equal(await row.getByRole("button", { name: "Invalidate batch-02" }).isDisabled(), true);
  });

  it("is usable at phone width and remembers the sign-in only when asked, in sessionStorage", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    // Not remembered: a reload signs out.
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    assert.equal(await page.locator("#keys-view").isVisible(), false);
    await shot("06-sign-in-phone");

    await signIn("elastic", ADMIN_PASSWORD, true);
    assert.deepEqual(await storedCounts(), [0, 1]);
    await page.reload();
    await page.locator("#who-name").filter({ hasText: "elastic" }).waitFor();
    await settled();
    assert.equal((await rowNames()).length, 10);
    const overflow = await page.evaluate(
      () =>
        (globalThis as unknown as BrowserGlobals).document.documentElement.scrollWidth -
        (globalThis as unknown as BrowserGlobals).innerWidth,
    );
    assert.ok(overflow <= 0, `no horizontal scrolling at 390px (overflow ${overflow}px)`);
    const card = await page.locator("#keys-body tr").first().boundingBox();
    assert.ok(card && card.width <= 390, "each key is a card within the screen");
    await shot("07-list-phone-full");
    await page.locator("#list-title").scrollIntoViewIfNeeded();
    await shot("07-list-phone", false);
    await page.getByRole("button", { name: "New API key" }).click();
    await page.locator("#create-panel").evaluate((panel) => panel.scrollIntoView());
    await shot("08-create-phone", false);
    await page.getByRole("button", { name: "Cancel" }).click();

    await signOut();
    assert.deepEqual(await storedCounts(), [0, 0]);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("shows a manage_own_api_key user only their keys, granted ones included, and lets them invalidate them", async () => {
    await signIn("ann", ANN_PASSWORD);
    assert.equal(await page.locator("#scope-note").textContent(), "You see the keys you own.");
    assert.equal(await page.getByLabel("Owner", { exact: true }).isVisible(), false);
    assert.deepEqual((await rowNames()).sort(), ["ann-granted", "ann-own"]);
    assert.equal(await page.locator("#keys-body .tag").first().textContent(), "you");

    await page.getByRole("button", { name: "Invalidate ann-own" }).click();
    await page.getByRole("button", { name: "Invalidate", exact: true }).click();
    await page.locator("#notice").filter({ hasText: "Invalidated 1 key." }).waitFor();
    assert.equal((await keyByName("ann-own")).invalidated, true);
    assert.equal((await keyByName("ann-granted")).invalidated, false);
    await signOut();
  });

  it("signs in with an API key and signs out when that key is invalidated", async () => {
    const created = await t.admin("POST", "/_security/api_key", { name: "ui-session" });
    assert.equal(created.status, 200);
    await page.getByLabel("API key", { exact: true }).check();
    await page.getByLabel("Encoded API key").fill(`${created.body.id}:${created.body.api_key}`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.locator("#who-detail").filter({ hasText: "with API key ui-session" }).waitFor();
    await settled();
    assert.match((await summary()) ?? "", /of 18 keys/);

    assert.equal((await t.admin("DELETE", "/_security/api_key", { ids: [created.body.id] })).status, 200);
    await page.getByRole("button", { name: "Apply" }).click();
    await page.locator("#sign-in-error").filter({ hasText: "You were signed out" }).waitFor();
    assert.equal(await page.locator("#keys-view").isVisible(), false);
  });

  it("sends its API calls with the signed-in credentials only, never a cookie", async () => {
    // The browser does send the cookie to this origin: the page's own requests carry it.
    assert.ok(pageCookies.includes("other_app_session=ride-along"), `page requests carried ${JSON.stringify(pageCookies)}`);
    assert.ok(apiCalls.length > 0, `the page's API calls were seen (${apiCalls.length})`);
    assert.deepEqual(
      apiCalls.filter((call) => call.cookie !== undefined),
      [],
      "no API call carries a cookie",
    );
    assert.deepEqual(
      apiCalls.filter((call) => !/^(Basic|ApiKey) /.test(call.authorization ?? "")),
      [],
      "every API call is signed",
    );
  });

  it("raised no script error and no CSP violation", () => {
    assert.deepEqual(problems, []);
  });

  it("refuses HTML strings in DOM sinks (Trusted Types), so server data can only ever be text", async () => {
    const outcome = await page.evaluate(() => {
      const body = (globalThis as unknown as { document: { body: { innerHTML: string } } }).document.body;
      try {
        body.innerHTML = "<b>injected</b>";
        return "assigned";
      } catch (error) {
        return (error as Error).name;
      }
    });
    assert.equal(outcome, "TypeError");
    assert.equal(await page.locator("b", { hasText: "injected" }).count(), 0);
  });
});
