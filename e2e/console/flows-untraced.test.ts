// The Flows view of an appliance started without tracing (the default), in headless Chromium: it says plainly
// that tracing is off, how to turn it on and what it costs, instead of drawing flows whose RPC hops are guessed;
// asked, it still shows what the appliance saw itself. Screenshots go to e2e/artifacts/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { consoleSession } from './support/console-session';
import { screenshot } from './support/browser';

const WAIT = { timeout: 20_000 };

const session = consoleSession({ gateways: 1 });

describe('flows console with tracing off', { timeout: 180_000 }, () => {
  test('the Flows view says tracing is off, how to turn it on and its cost', async (t) => {
    const run = await session.appliance.api<{ ok: boolean; steps: unknown[] }>('/api/seed-flows/send-and-read', {
      prefix: 'un',
    });
    assert.ok(run.ok, JSON.stringify(run.steps));
    const listed = await session.appliance.api<{ tracing: boolean; traces: unknown[] }>('/api/flows');
    assert.equal(listed.tracing, false);
    assert.ok(listed.traces.length > 0, 'flows are still followed from records and frames');

    const browser = await session.console(t, 'flows');
    if (!browser) return;
    const { page } = browser;
    await page.waitForSelector('[data-testid="flows"][data-tracing="false"]', WAIT);
    const notice = (await page.textContent('[data-testid="tracing-off"]')) ?? '';
    assert.match(notice, /Tracing is off/);
    assert.match(notice, /npx gochat up --tracing/);
    assert.match(notice, /GOCHAT_TRACING=on/);
    assert.match(notice, /a third of the message path's throughput/);
    assert.match(notice, /gochat bench --case tracing/);
    assert.equal(await page.locator('[data-testid="sequence-diagram"]').count(), 0, 'no half-empty diagram');
    assert.equal(await page.locator('[data-trace]').count(), 0, 'no flow list until asked');
    await screenshot(page, 'flows-tracing-off');

    // Asked, it shows the flows drawn from what the appliance saw, the notice still above them.
    await page.click('[data-action="show-untraced"]');
    await page.waitForSelector('[data-trace]', WAIT);
    await page.click('[data-trace]');
    await page.waitForSelector('[data-testid="sequence-diagram"]', WAIT);
    assert.equal(await page.locator('[data-testid="tracing-off"]').count(), 1);
  });
});
