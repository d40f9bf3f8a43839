// Group receipts a QA engineer can trust: a team of four (all friends, one group) made in one action; a message
// to the group shows "delivered to 3 of 3", the members' tabs count it unread, and after two members read it the
// sender's bubble says "read by 2 of 3" (not "read"), with a hover timeline of each step and its latency.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot } from './support/browser';
import { consoleSession } from './support/console-session';

const session = consoleSession({ gateways: 2 });

// Generous: the machine running these tests may be busy with other work.
const WAIT = { timeout: 60_000 };
const panel = (username: string): string => `[data-client="${username}"]`;

test(
  'a team in one action; a group message read by 2 of 3, unread counts, the receipt timeline',
  { timeout: 180_000 },
  async (t) => {
    const browser = await session.console(t, 'clients');
    if (!browser) return;
    const { page } = browser;

    await page.fill('[aria-label="team name"]', 'crew');
    await page.fill('[aria-label="team size"]', '4');
    await page.fill('[aria-label="team group size"]', '4');
    await page.click('[data-action="create-team"]');
    await page
      .waitForSelector(
        '[data-testid="team-done"]:has-text(\'created 4 users, all friends, 4 of them in group "crew"\')',
        {
          timeout: 120_000,
        },
      )
      .catch(async (error: unknown) => {
        await screenshot(page, 'clients-team-failed');
        const alerts = await page.$$eval('[role="alert"]', (list) => list.map((a) => a.textContent).join(' | '));
        throw new Error(`no "created 4 users" after the team click; alerts: ${alerts || 'none'}`, { cause: error });
      });
    // Every member sees the three others as friends and the group, with no friend request answered by hand.
    for (const name of ['crew1', 'crew2', 'crew3', 'crew4']) {
      await page.waitForFunction(
        (sel) => document.querySelectorAll(`${sel} [data-friend]`).length === 3,
        panel(name),
        WAIT,
      );
    }
    // A second team of the same name is refused before the click.
    assert.equal(await page.getAttribute('[data-action="create-team"]', 'title'), 'team "crew" exists already');

    await page.selectOption(`${panel('crew1')} [aria-label="send to"]`, { label: 'group crew' });
    await page.fill(`${panel('crew1')} [aria-label="message from crew1"]`, 'hello crew');
    await page.click(`${panel('crew1')} [data-action="send"]`);
    const bubble = `${panel('crew1')} .bubble.mine[data-message="hello crew"]`;
    await page.waitForSelector(`${bubble} [data-testid="receipt"]:has-text("delivered to 3 of 3")`, WAIT);

    // Each member's group tab counts the message unread until that member reads it.
    for (const name of ['crew2', 'crew3', 'crew4']) {
      await page.waitForSelector(`${panel(name)} button[data-conversation="group crew"] [data-unread="1"]`, WAIT);
    }
    await screenshot(page, 'clients-group-unread');
    for (const name of ['crew2', 'crew3']) {
      await page.click(`${panel(name)} button[data-conversation="group crew"]`);
      await page.click(`${panel(name)} [data-action="read"]`);
      await page.waitForFunction(
        (sel) => !document.querySelector(`${sel} button[data-conversation="group crew"] [data-unread]`),
        panel(name),
        WAIT,
      );
    }
    await page.waitForSelector(`${bubble} [data-testid="receipt"]:has-text("read by 2 of 3")`, WAIT);
    assert.equal(
      await page.getAttribute(bubble, 'data-status'),
      'delivered',
      'a group message is not "read" while a member has not read it',
    );
    assert.ok(
      await page.$(`${panel('crew4')} button[data-conversation="group crew"] [data-unread="1"]`),
      'crew4, who did not read, still has it unread',
    );

    // The hover timeline: sent, acked, delivered to each member, read by crew2 and crew3, each with its latency.
    await page.click(`${panel('crew1')} button[data-conversation="group crew"]`);
    await page.hover(bubble);
    const timeline = `${bubble} [data-testid="receipt-timeline"]`;
    await page.waitForSelector(timeline, { state: 'visible', ...WAIT });
    const steps = await page.$$eval(`${timeline} [data-step]`, (rows) => rows.map((r) => r.textContent ?? ''));
    assert.equal(steps.filter((s) => s.startsWith('acked #')).length, 1, `one ack step in ${steps.join(' | ')}`);
    assert.equal(
      steps.filter((s) => s.startsWith('delivered to')).length,
      3,
      `three deliveries in ${steps.join(' | ')}`,
    );
    const reads = steps.filter((s) => s.startsWith('read by')).map((s) => s.replace(/\s+/g, ' ').trim());
    assert.equal(reads.length, 2, `two reads in ${steps.join(' | ')}`);
    for (const reader of ['crew2', 'crew3'])
      assert.ok(
        reads.some((r) => new RegExp(`^read by ${reader} \\+\\d+(\\.\\d)? (ms|s)$`).test(r)),
        `a read by ${reader} with its latency in ${reads.join(' | ')}`,
      );
    await screenshot(page, 'clients-group-receipt-timeline');

    // The last member reads: now the message is read by all, and the sender's tick says so.
    await page.click(`${panel('crew4')} button[data-conversation="group crew"]`);
    await page.click(`${panel('crew4')} [data-action="read"]`);
    await page.waitForSelector(
      `${bubble}[data-status="read"] [data-testid="receipt"]:has-text("read by 3 of 3")`,
      WAIT,
    );
  },
);
