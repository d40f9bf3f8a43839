// Recording a session as a scenario, the way a QA engineer does it, in headless Chromium against a whole running
// appliance: Record in the Scenarios view, create and drive three simulated clients by hand in the Clients view
// (a friendship, messages, a read, a disconnect and reconnect), Stop from the sidebar, open the recording in the
// editor, run it and see it pass. Then the same file through `gochat scenario run` on a fresh appliance of its
// own: a recording replays anywhere. Saves a screenshot under e2e/artifacts/.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Page } from 'playwright-core';
import { GOCHAT_BIN, PROJECT_ROOT } from '../../appliance/test-support/running-appliance';
import { createClient, screenshot } from './support/browser';
import { consoleSession } from './support/console-session';

const scratch = mkdtempSync(join(tmpdir(), 'gochat-recording-e2e-'));
// Generous: on a loaded machine a first sign-in or delivery on a fresh appliance takes seconds.
const WAIT = { timeout: 90_000 };

const session = consoleSession({ gateways: 2 });

after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function view(page: Page, id: string): Promise<void> {
  await page.click(`[data-view="${id}"]`);
  await page.waitForSelector(`[data-testid="${id}"]`, WAIT);
}

async function send(page: Page, from: string, to: string, body: string): Promise<void> {
  const panel = `[data-client="${from}"]`;
  await page.selectOption(`${panel} [aria-label="send to"]`, { label: to });
  await page.fill(`${panel} [aria-label="message from ${from}"]`, body);
  await page.click(`${panel} [data-action="send"]`);
  await openConversation(page, to, from);
  await page.waitForSelector(`[data-client="${to}"] [data-message="${body}"]`, WAIT);
}

/** A panel shows one conversation at a time: this shows `user`'s conversation with `peer` (its tab). */
async function openConversation(page: Page, user: string, peer: string): Promise<void> {
  const tab = `[data-client="${user}"] [data-conversation="${peer}"]`;
  await page.waitForSelector(tab, WAIT);
  await page.click(tab);
}

function gochat(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GOCHAT_BIN, ...args], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

test(
  'a session driven by hand is recorded as a scenario that opens in the editor and passes when run',
  { timeout: 900_000 },
  async (t) => {
    const browser = await session.console(t, 'scenarios');
    if (!browser) return;
    const { page } = browser;

    await page.click('[data-action="record-start"]');
    await page.waitForSelector('[data-testid="recorder"][data-recording="true"]', WAIT);
    await page.waitForSelector('[data-testid="recording-badge"]', WAIT);

    await view(page, 'clients');
    for (const name of ['rec-ann', 'rec-ben', 'rec-cid']) await createClient(browser, name, WAIT);
    const ann = '[data-client="rec-ann"]';
    const ben = '[data-client="rec-ben"]';
    await page.selectOption(`${ann} [aria-label="add friend"]`, { label: 'rec-ben' });
    await page.waitForSelector(`${ann} [data-friend="rec-ben"][data-status="online"]`, WAIT);
    await page.selectOption(`${ann} [aria-label="add friend"]`, { label: 'rec-cid' });
    await page.waitForSelector(`${ann} [data-friend="rec-cid"][data-status="online"]`, WAIT);
    await send(page, 'rec-ann', 'rec-ben', 'hello ben');
    await send(page, 'rec-ben', 'rec-ann', 'hi ann');
    await send(page, 'rec-cid', 'rec-ann', 'cid here');
    await page.click(`${ben} [data-action="read"]`);
    await openConversation(page, 'rec-ann', 'rec-ben');
    await page.waitForSelector(`${ann} [data-message="hello ben"][data-status="read"]`, WAIT);
    // ben goes away and comes back: ann sees it both times.
    await page.click(`${ben} [data-action="disconnect"]`);
    await page.waitForSelector(`${ann} [data-friend="rec-ben"][data-status="offline"]`, WAIT);
    await page.click(`${ben} [data-action="connect"]`);
    await page.waitForSelector(`${ann} [data-friend="rec-ben"][data-status="online"]`, WAIT);
    const counts = (await page.textContent('[data-testid="recording-badge"]')) ?? '';
    assert.ok(Number(/(\d+) actions/.exec(counts)?.[1]) >= 8, `the badge counts the actions live: ${counts}`);

    // Stop from the sidebar; the recording waits in the Scenarios view, opened in the editor from there.
    await page.click('[data-action="record-stop-badge"]');
    await page.waitForSelector('[data-testid="recording-last"]', WAIT);
    await page.click('[data-action="record-open"]');
    await page.waitForFunction(
      () =>
        /scenario: recorded /.test(
          (document.querySelector('[data-testid="scenario-text"]') as HTMLTextAreaElement).value,
        ),
      undefined,
      WAIT,
    );
    await page.waitForSelector('text=valid', WAIT);
    const text = await page.inputValue('[data-testid="scenario-text"]');
    for (const part of [
      /rec_ann: \{\}/,
      /- \[ (rec_ann, rec_ben|rec_ben, rec_ann) \]/, // a friendship has no direction
      /- send: \{ from: rec_ann, to: rec_ben, body: hello ben \}/,
      /actor: rec_ben\n\s+message: \{ from: rec_ann, body: hello ben \}/,
      /- read: \{ actor: rec_ben, with: rec_ann \}/,
      /signal: message.receipt.updated\n\s+payload: \{ readerId: "\$\{rec_ben\}", readSeq: [12] \}/, // up to the newest message of the conversation
      /signal: friend.status.changed\n\s+payload: \{ userId: "\$\{rec_ben\}", status: offline \}/,
    ])
      assert.match(text, part);

    await page.click('[data-action="run-scenario"]');
    await page.waitForSelector('[data-testid="scenario-run-status"]', { timeout: 180_000 });
    assert.equal(
      await page.getAttribute('[data-testid="scenario-run-status"]', 'data-ok'),
      'true',
      (await page.textContent('[data-testid="scenario-run"]')) ?? '',
    );
    const statuses = await page.$$eval('[data-testid="scenario-run"] tr[data-step]', (rows) =>
      rows.map((row) => row.getAttribute('data-status')),
    );
    assert.ok(statuses.length >= 15 && statuses.every((s) => s === 'passed'), statuses.join(' '));
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'console-scenario-recorded');

    // The same file on a fresh appliance that the CLI starts for it and stops.
    await session.stop();
    const file = join(scratch, 'recorded.yaml');
    writeFileSync(file, text);
    const run = await gochat(['scenario', 'run', file]);
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /passed/);
  },
);
