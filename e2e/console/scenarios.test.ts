// The Scenarios view against a whole running appliance in headless Chromium: open a shipped scenario, see a
// mistake marked at its line while editing, undo it, run the scenario, and watch it pass step by step. Saves a
// screenshot under e2e/artifacts/.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot } from './support/browser';
import { consoleSession } from './support/console-session';

const WAIT = { timeout: 20_000 };

const session = consoleSession({ gateways: 2 });

test('a scenario opened in the console shows its problems at their lines, then runs and passes live', async (t) => {
  const browser = await session.console(t, 'scenarios');
  if (!browser) return;
  const { page } = browser;
  await page.click('[data-scenario-file="read-receipt.yaml"]');
  await page.waitForSelector('text=valid', WAIT);
  const text = await page.inputValue('[data-testid="scenario-text"]');
  assert.match(text, /scenario: read receipt/);

  // A misspelt actor on the first step: marked in the gutter at that line and listed with the line.
  const lines = text.split('\n');
  const connectLine = lines.findIndex((line) => line.trim() === '- connect: alice') + 1;
  assert.ok(connectLine > 0, 'the file connects alice in a step of its own');
  await page.fill('[data-testid="scenario-text"]', text.replace('- connect: alice', '- connect: alise'));
  await page.waitForSelector(`[data-problem-line="${connectLine}"]`, WAIT);
  const problems = await page.textContent('[data-testid="scenario-problems"]');
  assert.match(problems ?? '', new RegExp(`line ${connectLine} unknown actor "alise"`));
  assert.equal(await page.isDisabled('[data-action="run-scenario"]'), true, 'a scenario with problems cannot run');

  await page.fill('[data-testid="scenario-text"]', text);
  await page.waitForSelector('text=valid', WAIT);
  await page.click('[data-action="run-scenario"]');
  await page.waitForSelector('[data-testid="scenario-run-status"]', { timeout: 120_000 });
  assert.equal(
    await page.getAttribute('[data-testid="scenario-run-status"]', 'data-ok'),
    'true',
    (await page.textContent('[data-testid="scenario-run"]')) ?? '',
  );
  const statuses = await page.$$eval('[data-testid="scenario-run"] tr[data-step]', (rows) =>
    rows.map((row) => `${row.getAttribute('data-step')}:${row.getAttribute('data-status')}`),
  );
  assert.ok(statuses.length >= 10, statuses.join(' '));
  assert.ok(
    statuses.every((s) => s.endsWith(':passed')),
    statuses.join(' '),
  );
  // The actors are the columns, and the send links to its flow.
  const headers = await page.$$eval('[data-testid="scenario-run"] th', (cells) => cells.map((c) => c.textContent));
  assert.ok(headers.includes('alice') && headers.includes('bob'), headers.join(','));
  assert.ok((await page.$$('[data-testid="scenario-run"] a[href^="#/flows?trace="]')).length >= 1);
  await page.locator('[data-testid="scenario-run"]').scrollIntoViewIfNeeded();
  await screenshot(page, 'console-scenario-run');
});
