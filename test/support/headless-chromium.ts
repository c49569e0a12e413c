import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

/** Debian's `chromium` package (`apt-get install chromium`); `KEYGUARD_CHROMIUM` overrides it. */
export const CHROMIUM_PATH = process.env.KEYGUARD_CHROMIUM ?? "/usr/bin/chromium";

const inCi = /^(1|true|yes)$/i.test(process.env.CI ?? "");

/**
 * `false` when the browser tests can run; otherwise the reason to skip them. Under `CI=true` a
 * missing browser is never a skip: this throws, so the run fails.
 */
export function chromiumSkipReason(): false | string {
  if (existsSync(CHROMIUM_PATH)) return false;
  const message = `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (or set KEYGUARD_CHROMIUM)`;
  if (inCi) throw new Error(`${message}; CI=true requires the browser tests`);
  return `${message}; the browser tests are required under CI=true`;
}

export interface HeadlessChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts the system Chromium through playwright-core (which never downloads a browser here) in a
 * fresh, empty profile, with everything that phones home switched off.
 */
export async function launchChromium(viewport = { width: 1280, height: 900 }): Promise<HeadlessChromium> {
  const userDataDir = mkdtempSync(join(tmpdir(), "keyguard-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport,
      locale: "en-US",
      timezoneId: "UTC",
      timeout: 60_000,
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  context.setDefaultTimeout(15_000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
