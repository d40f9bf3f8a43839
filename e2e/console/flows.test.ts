// The Flows view against a whole appliance with tracing on (every service reports its spans), in headless
// Chromium: a send drawn as a sequence diagram and a waterfall, a click on a hop showing its record or its RPC,
// the flow exported as mermaid and SVG, jumps to a flow from a record and from a chat message, and with im-task
// stopped, the hops it should have made drawn missing. Screenshots go to e2e/artifacts/.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { consoleSession } from './support/console-session';
import { screenshot } from './support/browser';

const WAIT = { timeout: 20_000 };
let sendTrace = '';

const session = consoleSession({ gateways: 2, tracing: true }, async ({ appliance }) => {
  const run = await appliance.api<{ ok: boolean; steps: { label: string; traceId?: string }[] }>(
    '/api/seed-flows/send-and-read',
    { prefix: 'fw' },
  );
  assert.ok(run.ok, JSON.stringify(run.steps));
  sendTrace = run.steps.find((s) => s.label === 'alice sends bob a message')?.traceId ?? '';
  assert.match(sendTrace, /^[0-9a-f]{32}$/);
  // The flow's own id: a client's trace id can be an alias of the trace its request turned into.
  sendTrace = (await appliance.api<{ traceId: string }>(`/api/flows/${sendTrace}`)).traceId;
});

async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), hash);
}

async function text(page: Page, selector: string): Promise<string> {
  // Attribute names in the hop panel may break after a dot (a zero-width space): read them whole.
  return ((await page.textContent(selector)) ?? '').replaceAll('\u200b', '');
}

const diagram = '[data-testid="sequence-diagram"]';
const panel = '[data-testid="hop-panel"]';

describe('flows console with tracing on', { timeout: 240_000 }, () => {
  test('a send as a diagram and a waterfall; a click on a hop shows its record or its call; export', async (t) => {
    const browser = await session.console(t, `flows?trace=${sendTrace}`);
    if (!browser) return;
    const { page } = browser;
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    assert.equal(await page.getAttribute('[data-testid="flows"]', 'data-tracing'), 'true');
    // Every hop of the send is reported: solid, with a duration, none inferred.
    const persisted = `${diagram} [data-span="topic:gochat.messages.persist>im-task"][data-state="observed"]`;
    await page.waitForSelector(persisted, WAIT);
    await page.waitForSelector(`${diagram} [data-span$=">client:fwbob"][data-state="observed"]`, WAIT);
    assert.equal(await page.locator(`${diagram} [data-state="inferred"]`).count(), 0, 'no hop is inferred');
    assert.match(await text(page, `${persisted} .facts`), /^\d+(\.\d+)? ms$/);
    await screenshot(page, 'flows-traced-diagram');

    // The waterfall beside the diagram: one bar per hop, each in its process's lane, offsets from the start.
    await page.click('[data-layout="both"]');
    await page.waitForSelector('[data-testid="waterfall"] .bar', WAIT);
    const arrows = await page.locator(`${diagram} .span[data-state]`).count();
    const bars = page.locator('[data-testid="waterfall"] .bar');
    assert.equal(await bars.count(), arrows, 'one bar per arrow of the diagram');
    const offsets = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-offset-ms'))));
    assert.equal(Math.min(...offsets), 0, 'the first hop starts the timeline');
    assert.deepEqual(
      offsets,
      [...offsets].sort((a, b) => a - b),
      'bars in the order the hops started',
    );
    const lanes = await bars.evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')));
    for (const lane of ['im-logic', 'im-repo', 'im-task']) assert.ok(lanes.includes(lane), `a bar in ${lane}`);
    await page.click('[data-layout="waterfall"]');
    await screenshot(page, 'flows-traced-waterfall');
    await page.click('[data-layout="both"]');

    // A Kafka hop: the record it produced, decoded, with its topic, partition, offset and headers.
    await page.click(`${diagram} [data-span="im-logic>topic:gochat.messages.persist"] .hit`);
    await page.waitForSelector(`${panel} [data-testid="hop-payload"]`, WAIT);
    const record = await text(page, `${panel} [data-testid="hop-record"]`);
    assert.match(record, /record gochat\.messages\.persist p\d+@\d+/);
    assert.match(record, new RegExp(`header traceparent00-${sendTrace}-`));
    assert.match(await text(page, `${panel} [data-testid="hop-payload"]`), /"body": "hello bob/);
    assert.match(
      await text(page, `${panel} [data-testid="hop-span"]`),
      /messaging\.destination\.namegochat\.messages\.persist/,
    );
    await screenshot(page, 'flows-hop-record');

    // An RPC hop, clicked in the waterfall: the call as im-logic made it and as im-repo served it.
    await page.click('[data-testid="waterfall"] .bar[data-lane="im-repo"]');
    await page.waitForSelector(`${panel} [data-testid="hop-span"] >> text=served by`, WAIT);
    const call = await text(page, panel);
    assert.match(call, /im-logic → im-repo/);
    assert.match(call, /statusOK/);
    assert.match(call, /rpc\.systemgrpc/);
    assert.match(call, /request\{ [^}]*messages: \[\d+ items?\]/, 'what im-logic asked im-repo to store');
    assert.match(call, /response\{ /);
    await screenshot(page, 'flows-hop-rpc');

    // Export: the mermaid text (a file, and the clipboard) and the SVG, as the API exports them.
    const [mmd] = await Promise.all([
      page.waitForEvent('download', WAIT),
      page.click('[data-action="export-mermaid"]'),
    ]);
    assert.equal(mmd.suggestedFilename(), `flow-${sendTrace}.mmd`);
    const mermaid = await readFile((await mmd.path()) as string, 'utf8');
    assert.match(mermaid, /^sequenceDiagram\n/);
    assert.match(mermaid, /->>p\d+: consume p\d+@\d+ \([\d.]+ ms\)/);
    const [svg] = await Promise.all([page.waitForEvent('download', WAIT), page.click('[data-action="export-svg"]')]);
    assert.equal(svg.suggestedFilename(), `flow-${sendTrace}.svg`);
    assert.match(
      await readFile((await svg.path()) as string, 'utf8'),
      /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
    );
    await page.click('[data-action="copy-mermaid"]');
    await page.waitForSelector('[data-testid="flow-export"] >> text=mermaid copied', WAIT);
    assert.match(await page.evaluate(() => navigator.clipboard.readText()), /^sequenceDiagram\n/);
  });

  test('jump to a flow from a record in the Topics view and from a message in a client panel', async (t) => {
    const browser = session.openedConsole(t);
    if (!browser) return;
    const { page } = browser;
    await go(page, '#/topics?topic=gochat.messages.persist');
    await page.waitForSelector('tr[data-event-type="message.persist"]', WAIT);
    await page.click('tr[data-event-type="message.persist"]');
    const link = '[data-testid="record-detail"] a[href^="#/flows?trace="]';
    await page.waitForSelector(link, WAIT);
    const traceOfRecord = ((await page.getAttribute(link, 'href')) ?? '').split('trace=')[1];
    await page.click(link);
    await page.waitForSelector(`[data-testid="flows"] .topic-item.active[data-trace="${traceOfRecord}"]`, WAIT);
    await page.waitForSelector(`${diagram} [data-span="im-logic>topic:gochat.messages.persist"]`, WAIT);

    // The API finds the flow by the stored message's id, as a received message's link does.
    const { clients } = await session.appliance.api<{
      clients: { username: string; conversations: { messages: { messageId: string; body: string }[] }[] }[];
    }>('/api/clients');
    const message = clients
      .find((c) => c.username === 'fwbob')
      ?.conversations.flatMap((c) => c.messages)
      .find((m) => m.body.startsWith('hello bob'));
    assert.ok(message, 'bob holds the message');
    const found = await session.appliance.api<{ traces: { traceId: string }[] }>(
      `/api/flows?messageId=${message.messageId}`,
    );
    assert.deepEqual(
      found.traces.map((f) => f.traceId),
      [sendTrace],
    );

    // bob received alice's message: its "flow" link opens the send that carried it.
    await go(page, '#/clients');
    const tab = '[data-client="fwbob"] [data-conversation="fwalice"]';
    await page.waitForSelector(tab, WAIT);
    await page.click(tab);
    const received = '[data-client="fwbob"] .bubble.theirs [data-action="open-flow"]';
    await page.waitForSelector(received, WAIT);
    await page.click(received);
    await page.waitForSelector(`${diagram} [data-span$=">client:fwbob"]`, WAIT);
    await page.waitForSelector(`${diagram} [data-span^="client:fwalice>"]`, WAIT);
    assert.equal(await page.getAttribute('[data-testid="flows"] .topic-item.active', 'data-trace'), sendTrace);
    await screenshot(page, 'flows-from-message');
  });

  test('im-task stopped: a send shows the hops im-task should have made as missing', async (t) => {
    const browser = session.openedConsole(t);
    if (!browser) return;
    const { page } = browser;
    await session.appliance.api('/api/services/im-task/stop', {});
    try {
      const { clients } = await session.appliance.api<{ clients: { username: string; userId: string }[] }>(
        '/api/clients',
      );
      const bob = clients.find((c) => c.username === 'fwbob');
      assert.ok(bob);
      const sent = await session.appliance.api<{ traceId: string }>('/api/clients/fwalice/send', {
        toUserId: bob.userId,
        body: 'while im-task is stopped',
      });
      await go(page, `#/flows?trace=${sent.traceId}`);
      // Delivered all the same (im-logic and the gateways), but nobody takes the persist record: missing after 5 s.
      await page.waitForSelector(`${diagram} [data-span$=">client:fwbob"][data-state="observed"]`, WAIT);
      const missing = `${diagram} [data-span="topic:gochat.messages.persist>im-task"][data-state="missing"]`;
      await page.waitForSelector(missing, WAIT);
      assert.match(await text(page, missing), /consume \(missing\)/);
      assert.match(await text(page, '[data-testid="missing-summary"]'), /1 missing: expected by the seed flows/);
      await page.click('[data-layout="waterfall"]');
      await page.waitForSelector('[data-testid="waterfall"] .bar[data-lane="im-task"][data-state="missing"]', WAIT);
      await page.click('[data-layout="both"]');
      await page.click(`${missing} .hit`);
      await page.waitForSelector(`${panel}[data-state="missing"] >> text=no process reported it`, WAIT);
      await screenshot(page, 'flows-missing-im-task');
      const mermaid = await (
        await fetch(`${session.appliance.console.url}/api/flows/${sent.traceId}/mermaid`, {
          headers: { authorization: `Bearer ${session.appliance.console.token}` },
        })
      ).text();
      assert.match(mermaid, /-xp\d+: consume \(missing\)$/m);
    } finally {
      await session.appliance.api('/api/services/im-task/start', {});
    }
  });
});
