// The console as a QA engineer reads it, in headless Chromium against a whole appliance: names instead of user
// and group ids (the id on hover) in topic keys, record details, Presence, Data and client notices; record details
// in a side panel (a drawer at 800 and 1280 px, beside the table at 1920 px) that closes; filter mistakes named at
// the field; the Overview's in-flight counts while im-logic is stopped; the light theme by the system's preference.
// Screenshots go to e2e/artifacts/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { screenshot } from './support/browser';
import { consoleSession } from './support/console-session';

const WAIT = { timeout: 20_000 };
const ID = /\b[ug]_[0-9a-f]{16}\b/;
const team: Record<string, string> = {};
let groupId = '';

interface Client {
  username: string;
  userId: string;
  groups?: { groupId: string; name: string }[];
}

const session = consoleSession({ gateways: 2 }, async ({ appliance }) => {
  const { clients } = await appliance.api<{ clients: Client[] }>('/api/clients', {
    username: 'qa',
    count: 3,
    friends: true,
    groupSize: 3,
  });
  for (const c of clients) team[c.username] = c.userId;
});

async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), hash);
}

async function box(page: Page, selector: string) {
  const found = await page.locator(selector).first().boundingBox();
  assert.ok(found, `${selector} is on screen`);
  return found;
}

describe('names, record details, filters, in-flight counts and themes', () => {
  test('topic keys, record details, Presence, Data and notices show names, with the id on hover', async (t) => {
    await session.appliance.api('/api/clients/qa1/send', { toUserId: team.qa2, body: 'hello qa2' });
    const qa1 = (await session.appliance.api<{ clients: Client[] }>('/api/clients')).clients.find(
      (c) => c.username === 'qa1',
    );
    groupId = qa1?.groups?.[0]?.groupId ?? '';
    assert.match(groupId, /^g_/, 'the team has its group');
    await session.appliance.api('/api/clients/qa1/send', { groupId, body: 'hello team' });
    const browser = await session.console(t, 'topics?topic=gochat.messages.upstream');
    if (!browser) return;
    const { page } = browser;

    // The upstream's keys are conversation ids: both users of the p2p pair and the group by name.
    const p2pKey = `p2p:${[team.qa1, team.qa2].sort().join(':')}`;
    const p2pRow = `tr[data-event-type="message.upstream"]:has(td[data-key="${p2pKey}"])`;
    await page.waitForSelector(p2pRow, WAIT);
    await page.waitForFunction(
      (sel) => /qa1/.test(document.querySelector(sel)?.textContent ?? ''),
      `${p2pRow} td[data-key]`,
      WAIT,
    );
    const p2pText = (await page.textContent(`${p2pRow} td[data-key]`)) ?? '';
    assert.match(p2pText, /qa1/);
    assert.match(p2pText, /qa2/);
    assert.doesNotMatch(p2pText, ID, 'no raw id left in the key');
    assert.equal(await page.getAttribute(`${p2pRow} [data-id="${team.qa1}"]`, 'title'), team.qa1, 'id on hover');
    const groupKey = `td[data-key="group:${groupId}"]`;
    await page.waitForFunction(
      (sel) => /group:qa$/.test(document.querySelector(sel)?.textContent ?? ''),
      groupKey,
      WAIT,
    );

    // Details open in a drawer over the table at 1280 px, name who the record is about, and close.
    await page.click(p2pRow);
    await page.waitForSelector('[data-testid="record-detail"] pre.json', WAIT);
    await page.waitForSelector(`[data-testid="record-names"] [data-id="${team.qa2}"]:text("qa2")`, WAIT);
    let detail = await box(page, '[data-testid="record-detail"]');
    let table = await box(page, 'table.records');
    assert.ok(Math.abs(detail.x + detail.width - 1280) < 2, 'the drawer is at the right edge of the window');
    assert.ok(detail.x < table.x + table.width, 'over the table, not below it');
    assert.ok(detail.y < 50, 'from the top of the window, in view');
    await screenshot(page, 'names-record-drawer-1280');
    await page.click('[aria-label="close the record details"]');
    await page.waitForSelector('[data-testid="record-detail"]', { state: 'detached', ...WAIT });

    // At 800 px the drawer fits the window; Escape closes it.
    await page.setViewportSize({ width: 800, height: 800 });
    await page.click(p2pRow);
    await page.waitForSelector('[data-testid="record-detail"] pre.json', WAIT);
    detail = await box(page, '[data-testid="record-detail"]');
    assert.ok(detail.x >= 0 && detail.x + detail.width <= 801, 'the drawer fits in 800 px');
    await screenshot(page, 'names-record-drawer-800');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="record-detail"]', { state: 'detached', ...WAIT });

    // At 1920 px there is room for both: the details beside the table.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.click(p2pRow);
    await page.waitForSelector('[data-testid="record-detail"] pre.json', WAIT);
    detail = await box(page, '[data-testid="record-detail"]');
    table = await box(page, 'table.records');
    assert.ok(detail.x >= table.x + table.width - 1, 'beside the table, not over it');
    await screenshot(page, 'names-record-side-panel-1920');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.keyboard.press('Escape');

    // Presence: users by name (id on hover and underneath), gateways with their addresses on hover.
    await go(page, '#/presence');
    await page.waitForSelector(`tr[data-user="qa1"] [data-id="${team.qa1}"]`, WAIT);
    assert.equal(await page.getAttribute('tr[data-user="qa1"] td[title]', 'title'), team.qa1);
    assert.match((await page.getAttribute('tr[data-gateway="gw-1"] td[title]', 'title')) ?? '', /WebSocket .*gRPC/);
    await screenshot(page, 'names-presence');

    // Data: sender and conversation ids in the messages table read as names.
    await go(page, '#/data');
    await page.click('[data-table="messages"]');
    await page.waitForSelector(`td [data-id="${team.qa1}"]:text("qa1")`, WAIT);
    await page.waitForSelector(`td [data-id="${groupId}"]:text("qa")`, WAIT);
    await screenshot(page, 'names-data-messages');

    // Client notices: nothing in them is a raw id.
    await go(page, '#/clients');
    await page.waitForSelector('[data-client="qa2"]', WAIT);
    const notices = await page.locator('[data-testid="notices"]').allTextContents();
    for (const text of notices) assert.doesNotMatch(text, ID, `a notice shows a raw id: ${text}`);
  });

  test('a filter mistake is named at its field and the search waits for it', async (t) => {
    const browser = session.openedConsole(t);
    if (!browser) return;
    const { page } = browser;
    await go(page, '#/overview');
    await go(page, '#/topics?topic=gochat.messages.upstream');
    await page.waitForSelector('tr[data-event-type="message.upstream"]', WAIT);
    const search = page.locator('button.primary:text("Search")');

    await page.fill('[aria-label="header filter"]', 'event-type: message.upstream');
    await page.waitForSelector('[data-field-error="header"]:text("name=value")', WAIT);
    assert.equal(await page.getAttribute('[aria-label="header filter"]', 'aria-invalid'), 'true');
    assert.ok(await search.isDisabled(), 'no search with a filter that cannot be what was meant');
    await screenshot(page, 'filter-error-at-field');

    await page.fill('[aria-label="header filter"]', 'traceparent');
    await page.waitForSelector('[data-field-hint="header"]:text("whatever its value")', WAIT);
    assert.ok(await search.isEnabled());

    await page.fill('[aria-label="header filter"]', 'event-type=message.upstream');
    assert.equal(await page.locator('[data-field-error], [data-field-hint]').count(), 0);
    await search.click();
    await page.waitForSelector('[data-testid="scan-progress"]', WAIT);
    await page.waitForSelector('tr[data-event-type="message.upstream"]', WAIT);

    // Keys hold ids: a name typed into the key filter is offered as its id.
    await page.fill('[aria-label="header filter"]', '');
    await page.fill('[aria-label="key filter"]', 'qa1');
    await page.click(`[data-field-hint="key"] button:text("${team.qa1}")`);
    assert.equal(await page.inputValue('[aria-label="key filter"]'), team.qa1);
    await search.click();
    await page.waitForSelector(`td[data-key*="${team.qa1}"]`, WAIT);
    assert.equal(
      await page
        .locator('td[data-key]')
        .evaluateAll((cells, id) => cells.every((c) => c.getAttribute('data-key')?.includes(id)), team.qa1),
      true,
      'only the records keyed by that user',
    );
    await page.fill('[aria-label="key filter"]', '');

    await page.selectOption('[aria-label="start from"]', 'offset');
    await page.fill('[aria-label="offset"]', 'twelve');
    await page.waitForSelector('[data-field-error="offset"]:text("whole number")', WAIT);
    assert.ok(await search.isDisabled());
    await page.fill('[aria-label="offset"]', '0');
    assert.ok(await search.isEnabled());
  });

  test('while im-logic is stopped the Overview counts the sends in flight and says what they wait for', async (t) => {
    const browser = session.openedConsole(t);
    if (!browser) return;
    const { page } = browser;
    await go(page, '#/overview');
    await page.waitForSelector('[data-testid="in-flight-sending"][data-value="0"]', WAIT);
    await session.appliance.api('/api/services/im-logic/stop', {});
    try {
      for (let i = 0; i < 3; i++)
        await session.appliance.api('/api/clients/qa2/send', { toUserId: team.qa3, body: `w${i}` });
      await page.waitForSelector('[data-testid="in-flight-sending"][data-value="3"]', WAIT);
      await page.waitForFunction(
        () => Number(document.querySelector('[data-testid="in-flight-upstream"]')?.getAttribute('data-value')) >= 3,
        undefined,
        WAIT,
      );
      await page.waitForSelector('[data-testid="in-flight-reason"]:text("im-logic")', WAIT);
      await page.waitForSelector('[data-node="clients"] [data-in-flight="3"]', WAIT);
      await screenshot(page, 'overview-in-flight-im-logic-stopped');
    } finally {
      await session.appliance.api('/api/services/im-logic/start', {});
    }
    // Once it is back, the sends are stored and delivered: nothing left in flight, nothing waiting upstream.
    await page.waitForSelector('[data-testid="in-flight-sending"][data-value="0"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="in-flight-undelivered"][data-value="0"]', WAIT);
    await page.waitForSelector('[data-testid="in-flight-upstream"][data-value="0"]', WAIT);
    await screenshot(page, 'overview-in-flight-recovered');
  });

  test('the console takes the system light theme until the user picks one, at 1280x800 and 1920x1080', async (t) => {
    const browser = session.openedConsole(t);
    if (!browser) return;
    const { page } = browser;
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light', undefined, WAIT);
    const views = ['overview', 'topics?topic=gochat.messages.upstream', 'presence', 'clients', 'data'];
    for (const [width, height] of [
      [1280, 800],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const view of views) {
        await go(page, `#/${view}`);
        await page.waitForSelector(`[data-testid="${view.split('?')[0]}"]`, WAIT);
        await page.waitForTimeout(300); // only for the picture: let the first data render
        await screenshot(page, `light-${view.split('?')[0]}-${width}x${height}`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    // Toggled to dark, it stays dark whatever the system says; toggled back, it follows the system again.
    await page.click('[data-action="toggle-theme"]');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.equal(await page.evaluate(() => localStorage.getItem('gochat.themeChoice')), 'dark');
    await page.click('[data-action="toggle-theme"]');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    assert.equal(await page.evaluate(() => localStorage.getItem('gochat.themeChoice')), null);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark', undefined, WAIT);
  });
});
