// The console against a whole running appliance (supervisor, embedded Kafka and Redis, im-repo, im-logic, two
// gateways, im-task) in headless Chromium, driven as a user drives it. Each test saves a screenshot under
// e2e/artifacts/.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumOrSkip, createClient, screenshot } from './support/browser';
import { consoleSession } from './support/console-session';

const WAIT = { timeout: 20_000 };

const session = consoleSession({ gateways: 2 });

async function api(path: string, method = 'GET'): Promise<unknown> {
  const response = await fetch(`${session.appliance.console.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${session.appliance.console.token}` },
  });
  assert.ok(response.ok, `${method} ${path} answered ${response.status}`);
  return response.json();
}

async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), hash);
}

describe('console end to end', () => {
  test('the running appliance API refuses calls without its token and listens on loopback only', async () => {
    assert.match(session.appliance.console.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await fetch(`${session.appliance.console.url}/api/services`)).status, 401);
    assert.equal(
      (await fetch(`${session.appliance.console.url}/api/clients`, { method: 'POST', body: '{}' })).status,
      401,
    );
    const page = await fetch(`${session.appliance.console.url}/`);
    assert.equal(page.status, 200, 'the UI itself is served without a token: it holds no data');
    assert.match(await page.text(), /<div id="root">/);
  });

  test('a browser that opens the console without the token is told how to get in', async (t) => {
    const chromium = chromiumOrSkip(t);
    if (!chromium) return;
    const { chromium: launcher } = await import('playwright-core');
    const context = await launcher.launch({
      executablePath: chromium,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    try {
      const page = await context.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${session.appliance.console.url}/#/topics`);
      await page.waitForSelector('text=opened without the console token', WAIT);
      await page.waitForSelector('[data-testid="live-status"]:text("reconnecting")', WAIT);
      assert.equal(await page.getAttribute('body', 'data-ready'), null, 'no data reached the page');
      await screenshot(page, 'console-without-token');
    } finally {
      await context.close();
    }
  });

  test(
    'two simulated users chat; the records, the presence change and the flow show up',
    { timeout: 180_000 },
    async (t) => {
      const browser = await session.console(t, 'clients');
      if (!browser) return;
      const { page } = browser;
      // Opened at the printed address (…/?token=…): once loaded, the token is no longer in the address (the history
      // entry was replaced) and the console keeps it for the tab in sessionStorage.
      assert.doesNotMatch(page.url(), /token=/);
      assert.equal(await page.evaluate(() => sessionStorage.getItem('gochat.token')), session.appliance.console.token);

      await createClient(browser, 'e2e-alice', WAIT);
      await createClient(browser, 'e2e-bob', WAIT);
      const alice = '[data-client="e2e-alice"]';
      const bob = '[data-client="e2e-bob"]';
      await page.selectOption(`${alice} [aria-label="add friend"]`, { label: 'e2e-bob' });
      await page.waitForSelector(`${alice} [data-friend="e2e-bob"][data-status="online"]`, WAIT);

      await page.fill(`${alice} [aria-label="message from e2e-alice"]`, 'hello from the e2e test');
      await page.click(`${alice} [data-action="send"]`);
      await page.waitForSelector(`${bob} [data-message="hello from the e2e test"]`, WAIT);
      await page.waitForSelector(
        `${alice} [data-message="hello from the e2e test"]:is([data-status="sent"], [data-status="delivered"])`,
        WAIT,
      );
      await page.click(`${bob} [data-action="read"]`);
      await page.waitForSelector(`${alice} [data-message="hello from the e2e test"][data-status="read"]`, WAIT);
      await page.waitForSelector(`${alice} [data-signal="message.receipt.updated"]`, WAIT);
      await screenshot(page, 'clients-send-and-read');
      // Bob's read request, the message.read record and alice's receipt are one flow.
      const flows = (await api('/api/flows')) as { traces: { traceId: string; title: string }[] };
      const readFlow = flows.traces.find((f) => f.title === 'e2e-bob: POST read seq 1');
      assert.ok(readFlow, `a flow for bob's read; flows: ${flows.traces.map((f) => f.title).join(', ')}`);
      const read = (await api(`/api/flows/${readFlow.traceId}`)) as { participants: string[] };
      assert.ok(read.participants.includes('topic:gochat.message-events'), read.participants.join(', '));
      assert.ok(read.participants.includes('client:e2e-alice'), read.participants.join(', '));
      const flowLink = await page.getAttribute(`${alice} [data-message="hello from the e2e test"] a`, 'href');
      assert.match(flowLink ?? '', /^#\/flows\?trace=[0-9a-f]{32}$/);

      // Every step left its record: the send upstream, the stored message downstream, the read on message-events.
      for (const [topic, eventType] of [
        ['gochat.messages.upstream', 'message.upstream'],
        ['gochat.messages.persist', 'message.persist'],
        ['gochat.messages.downstream', 'message.downstream'],
        ['gochat.message-events', 'message.read'],
        ['gochat.user-events', 'user.online'],
      ]) {
        await go(page, `#/overview`);
        await go(page, `#/topics?topic=${topic}`);
        await page.waitForSelector(`[data-topic="${topic}"].active`, WAIT);
        await page.waitForSelector(`tr[data-event-type="${eventType}"]`, WAIT);
      }
      await page.click('tr[data-event-type="user.online"]');
      await page.waitForSelector('[data-testid="record-detail"] pre.json', WAIT);
      assert.match((await page.textContent('[data-testid="record-detail"] pre.json')) ?? '', /"gatewayId": "gw-\d"/);
      await screenshot(page, 'topics-records-of-the-chat');
      // At this width the details are a drawer over the table and its toolbar: closed first, as a user would.
      await page.click('[aria-label="close the record details"]');
      await page.waitForSelector('[data-testid="record-detail"]', { ...WAIT, state: 'detached' });
      // Export: a download of the topic's records, asked for with the token in a header, never in a URL.
      const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.click('[data-action="export"]')]);
      assert.equal(download.suggestedFilename(), 'gochat.user-events.ndjson');
      assert.doesNotMatch(download.url(), /token/);
      const exported = await readFile((await download.path()) as string, 'utf8');
      assert.match(exported.split('\n')[0] ?? '', /"eventType":"user\.online"|user\.online/);
      // Produce: the form opens with every field of the event's message; without a key it is refused and says why;
      // with one it is produced, and a later error does not stand beside the earlier success.
      await page.click('button:text("Produce…")');
      const form = '[data-testid="produce-form"]';
      await page.selectOption(`${form} [aria-label="event type"]`, 'user.online');
      assert.match(await page.inputValue(`${form} [aria-label="value as JSON"]`), /"gatewayId": ""/);
      await page.click(`${form} [data-action="produce"]`);
      await page.waitForSelector(`${form} [role="alert"]:has-text("needs a key")`, WAIT);
      await page.fill(`${form} [aria-label="key"]`, 'u_produce_e2e');
      await page.click(`${form} [data-action="produce"]`);
      await page.waitForSelector(`${form} .ok-text:has-text("Produced to partition")`, WAIT);
      await screenshot(page, 'topics-produce-form');
      await page.fill(`${form} [aria-label="value as JSON"]`, '{ "userID": "typo" }');
      await page.click(`${form} [data-action="produce"]`);
      await page.waitForSelector(`${form} [role="alert"]:has-text("userID")`, WAIT);
      assert.equal(await page.locator(`${form} .ok-text`).count(), 0, 'the earlier success is gone');

      // Presence: bob goes offline and comes back while the Presence view is open.
      await go(page, '#/presence');
      await page.waitForSelector('[data-user="e2e-bob"]', WAIT);
      await api('/api/clients/e2e-bob/disconnect', 'POST');
      await page.waitForSelector('[data-change="e2e-bob:offline"]', WAIT);
      await api('/api/clients/e2e-bob/connect', 'POST');
      await page.waitForSelector('[data-change="e2e-bob:online"]', WAIT);
      await page.waitForSelector('[data-user="e2e-bob"]', WAIT);
      await screenshot(page, 'presence-changes');

      // The send as a sequence diagram: client -> gateway -> upstream -> im-logic -> downstream -> both gateways.
      await go(page, flowLink!);
      await page.waitForSelector('[data-testid="sequence-diagram"]', WAIT);
      for (const arrow of [
        'client:e2e-alice>im-gateway/gw-1',
        'im-gateway/gw-1>topic:gochat.messages.upstream',
        'topic:gochat.messages.upstream>im-logic',
        'im-logic>topic:gochat.messages.downstream',
      ]) {
        await page.waitForSelector(`[data-span="${arrow}"]`, WAIT);
      }
      await page.waitForSelector('[data-span$=">client:e2e-bob"]', WAIT);
      await screenshot(page, 'flows-send');

      // Following each new flow: the next send is opened and drawn as it happens.
      await page.check('[data-action="follow-newest"]');
      const before = await page.evaluate(() => window.location.hash);
      const { clients } = (await api('/api/clients')) as { clients: { username: string; userId: string }[] };
      const bobId = clients.find((c) => c.username === 'e2e-bob')!.userId;
      const sent = await fetch(`${session.appliance.console.url}/api/clients/e2e-alice/send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.appliance.console.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ toUserId: bobId, body: 'a followed message' }),
      });
      assert.equal(sent.status, 200);
      await page.waitForFunction((previous) => window.location.hash !== previous, before, WAIT);
      await page.waitForSelector('[data-span$=">client:e2e-bob"]', WAIT);

      // Data: the messages table is browsable and its count follows new messages without a reload.
      await go(page, '#/data');
      await page.click('[data-table="messages"]');
      const countOf = async () =>
        Number(/(\d+) rows/.exec((await page.textContent('[data-table="messages"]')) ?? '')?.[1]);
      const rowsBefore = await countOf();
      assert.ok(rowsBefore >= 2, `the messages sent so far are in the table (${rowsBefore})`);
      await page.waitForSelector('td:text("a followed message")', WAIT);
      const another = await fetch(`${session.appliance.console.url}/api/clients/e2e-alice/send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.appliance.console.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ toUserId: bobId, body: 'seen in the data view' }),
      });
      assert.equal(another.status, 200);
      await page.waitForFunction(
        (n) => new RegExp(`${n} rows`).test(document.querySelector('[data-table="messages"]')?.textContent ?? ''),
        rowsBefore + 1,
        WAIT,
      );
      await screenshot(page, 'data-messages');
    },
  );

  test('stops, starts and restarts a service from the Overview', { timeout: 120_000 }, async (t) => {
    const browser = await session.console(t, 'overview');
    if (!browser) return;
    const { page } = browser;
    await go(page, '#/overview');
    // The Overview says which infrastructure was chosen and why.
    const infra = await page.waitForSelector('[data-testid="infra"]', WAIT);
    const infraText = (await infra.textContent()) ?? '';
    assert.match(infraText, /embedded/);
    const reason = session.appliance.supervisor.infra?.reason ?? '';
    assert.ok(reason && infraText.includes(reason), `the Overview gives the reason "${reason}": ${infraText}`);
    const row = '[data-service="im-task"]';
    await page.waitForSelector(`${row} .badge:text("running")`, WAIT);
    await page.click(`${row} [data-action="stop"]`);
    await page.waitForSelector(`${row} .badge:text("stopped")`, WAIT);
    assert.equal(session.appliance.supervisor.services().find((s) => s.name === 'im-task')?.state, 'stopped');
    await screenshot(page, 'overview-im-task-stopped');
    await page.click(`${row} [data-action="start"]`);
    await page.waitForSelector(`${row} .badge:text("running")`, WAIT);
    const before = session.appliance.supervisor.services().find((s) => s.name === 'im-task')!;
    await page.click(`${row} [data-action="restart"]`);
    await page.waitForFunction(
      ({ pid }) => {
        const cells = document.querySelectorAll('[data-service="im-task"] td');
        return cells[1]?.textContent?.includes('running') && cells[2]?.textContent !== String(pid);
      },
      { pid: before.pid },
      WAIT,
    );
    const after = session.appliance.supervisor.services().find((s) => s.name === 'im-task')!;
    assert.equal(after.state, 'running');
    assert.notEqual(after.pid, before.pid, 'the restart started a new process');
    await screenshot(page, 'overview-im-task-restarted');
  });

  test(
    'a simulated user reconnects by itself when its gateway is restarted from the Overview',
    { timeout: 120_000 },
    async (t) => {
      const browser = await session.console(t, 'overview');
      if (!browser) return;
      const { page } = browser;
      const created = (await (
        await fetch(`${session.appliance.console.url}/api/clients`, {
          method: 'POST',
          headers: { authorization: `Bearer ${session.appliance.console.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'e2e-carol' }),
        })
      ).json()) as { clients: { userId: string; gatewayId: string }[] };
      const carol = created.clients[0]!;
      await go(page, '#/overview');
      const restartedAt = Date.now();
      await page.click(`[data-service="${carol.gatewayId}"] [data-action="restart"]`);
      await page.waitForSelector(`[data-service="${carol.gatewayId}"] .badge:text("running")`, WAIT);
      await go(page, '#/clients');
      await page.waitForSelector('[data-client="e2e-carol"] .dot.ok', WAIT);
      // The presence store has her again, on a connection made after the restart.
      let reconnected = false;
      for (let attempt = 0; attempt < 40 && !reconnected; attempt++) {
        const presence = (await api('/api/presence')) as {
          users: { userId: string; connections: { connectedAtMs: number }[] }[];
        };
        reconnected = presence.users.some(
          (u) => u.userId === carol.userId && u.connections.some((c) => c.connectedAtMs >= restartedAt),
        );
        if (!reconnected) await page.waitForTimeout(250);
      }
      assert.ok(reconnected, 'e2e-carol holds a connection made after her gateway restarted');
      await screenshot(page, 'clients-reconnected-after-gateway-restart');
    },
  );
});
