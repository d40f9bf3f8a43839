// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, one fresh profile per test; page
// helpers that wait on the console's own ready/state attributes, never on time.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'artifacts');

/** Null (and the test skipped) when Chromium is missing outside CI; in CI a missing Chromium fails the test. */
export function chromiumOrSkip(t: TestContext): string | null {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.env.CI === 'true')
    throw new Error(`Chromium is required in CI but ${CHROMIUM} does not exist (apt-get install chromium)`);
  t.skip(`Chromium not found at ${CHROMIUM}; install it (apt-get install chromium) to run the console UI tests`);
  return null;
}

export interface ConsoleBrowser {
  context: BrowserContext;
  page: Page;
  /**
   * What the page is waiting for, for a failure's message: its requests still unanswered (with their age) and the
   * errors it shows.
   */
  stuck(): Promise<string>;
  close(): Promise<void>;
}

export async function openConsole(
  executablePath: string,
  consoleUrl: string,
  view = 'overview',
): Promise<ConsoleBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'gochat-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const inFlight = new Map<Request, number>();
  page.on('request', (request) => inFlight.set(request, Date.now()));
  page.on('requestfinished', (request) => inFlight.delete(request));
  page.on('requestfailed', (request) => inFlight.delete(request));
  const url = new URL(consoleUrl);
  url.hash = `#/${view}`;
  try {
    await page.goto(url.toString());
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  } catch (error) {
    // The caller never gets a handle to close: Chromium would outlive the test.
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    page,
    async stuck() {
      const now = Date.now();
      const requests = [...inFlight].map(([r, at]) => `${r.method()} ${new URL(r.url()).pathname} (${now - at} ms)`);
      const alerts = await page
        .locator('[role="alert"]')
        .allTextContents()
        .catch((error: unknown) => [`(could not read the page: ${String(error)})`]);
      return `requests unanswered: ${requests.join(', ') || 'none'}; errors shown: ${alerts.join(' | ') || 'none'}`;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/**
 * Creates a simulated user in the Clients view and waits until its panel shows it connected. The button stays
 * "Signing in…" until the previous user's sign-in answered (its panel shows it connected a little before: the sign-in
 * then loads friends, groups and conversations), so the click waits as long as the rest. A failure says what the
 * page was waiting for.
 */
export async function createClient(browser: ConsoleBrowser, username: string, wait: { timeout: number }) {
  const { page } = browser;
  try {
    await page.fill('[aria-label="new username"]', username);
    await page.click('[data-action="create-client"]', wait);
    await page.waitForSelector(`[data-client="${username}"] .dot.ok`, wait);
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new Error(`creating ${username} in the Clients view: ${first} (${await browser.stuck()})`, { cause: error });
  }
}
