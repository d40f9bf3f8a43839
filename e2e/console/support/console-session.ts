// The set-up every console test file shares: a whole appliance started before the file's tests, the console
// opened in headless Chromium by the test that first needs it and kept for the tests after it, and both stopped
// after the file (or earlier, by a test that needs the machine for something else).
import { after, before, type TestContext } from 'node:test';
import { startAppliance, type RunningAppliance } from './appliance-harness';
import { chromiumOrSkip, openConsole, type ConsoleBrowser } from './browser';

export interface ConsoleSession {
  /** The appliance the file's before hook started; throws when it is not running. */
  readonly appliance: RunningAppliance;
  /** A call to the appliance API with its token (see RunningAppliance.api). */
  api: <T>(path: string, body?: unknown) => Promise<T>;
  /**
   * The console in Chromium: the one a test before opened, or a new one at `view`. Null, with the test skipped,
   * when Chromium is missing outside CI (in CI that fails the test).
   */
  console(t: TestContext, view: string): Promise<ConsoleBrowser | null>;
  /**
   * The console a test before opened. Null, with the test skipped, only when Chromium is missing outside CI; a
   * test that needs a console no test before opened fails (its set-up did not happen, it did not pass).
   */
  openedConsole(t: TestContext): ConsoleBrowser | null;
  /** Closes the browser and stops the appliance now; the after hook then has nothing left to stop. */
  stop(): Promise<void>;
}

/**
 * `setup` runs in the same before hook, once the appliance is up: node 20 runs a file's top-level before hooks side
 * by side, so a second hook of the file's own would not wait for the appliance.
 */
export function consoleSession(
  options: Parameters<typeof startAppliance>[0] = {},
  setup?: (session: ConsoleSession) => Promise<void>,
): ConsoleSession {
  let appliance: RunningAppliance | null = null;
  let browser: ConsoleBrowser | null = null;

  const session: ConsoleSession = {
    get appliance(): RunningAppliance {
      if (!appliance) throw new Error('the appliance is not running (its start failed, or a test stopped it)');
      return appliance;
    },
    api: <T>(path: string, body?: unknown) => session.appliance.api<T>(path, body),
    async console(t, view) {
      const chromium = chromiumOrSkip(t);
      if (!chromium) return null;
      browser ??= await openConsole(chromium, session.appliance.console.consoleUrl, view);
      return browser;
    },
    openedConsole(t) {
      if (!chromiumOrSkip(t)) return null;
      if (!browser) throw new Error('needs the console a test before opened (that test failed or did not open it)');
      return browser;
    },
    async stop() {
      const [openBrowser, running] = [browser, appliance];
      browser = null;
      appliance = null;
      try {
        await openBrowser?.close();
      } finally {
        await running?.stop();
      }
    },
  };

  before(async () => {
    appliance = await startAppliance({ quiet: true, ...options });
    await setup?.(session);
  });
  after(() => session.stop());
  return session;
}
