// Receipts a QA engineer can trust: ten simulated users send a burst of 200 messages around a ring; in the console
// every sender's bubble ends at least "delivered" (a delivery that reaches the sender before its own ack used to
// leave about half of them at "sent") and every recipient's panel shows all of its messages in seq order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seedDemoData } from '../../appliance/supervisor/seed';
import { p2pConversationId } from '../../lib/conversation';
import { screenshot } from './support/browser';
import { consoleSession } from './support/console-session';

const USERS = 10;
const PER_SENDER = 20;

const session = consoleSession({ gateways: 2 });

const { api } = session;

interface ClientView {
  username: string;
  userId: string;
  conversations: { conversationId: string; messages: { senderId: string; status: string; seq: number }[] }[];
}

test(
  'a burst of 200 messages between 10 simulated users: every sent bubble delivered, every panel in seq order',
  {
    timeout: 240_000,
  },
  async (t) => {
    const { clients } = await api<{ clients: ClientView[] }>('/api/clients', { username: 'ring', count: USERS });
    assert.equal(clients.length, USERS);
    const next = (i: number): ClientView => clients[(i + 1) % USERS] as ClientView;
    for (const [i, client] of clients.entries()) {
      await api(`/api/clients/${client.username}/friends`, { userId: next(i).userId });
    }

    // The burst: every sender's 20 sends at once, all senders together.
    await Promise.all(
      clients.flatMap((client, i) =>
        Array.from({ length: PER_SENDER }, (_, k) =>
          api(`/api/clients/${client.username}/send`, {
            toUserId: next(i).userId,
            body: `${client.username} #${k + 1}`,
          }),
        ),
      ),
    );

    const browser = await session.console(t, 'clients');
    if (!browser) return;
    const { page } = browser;
    const WAIT = { timeout: 60_000 };
    for (const [i, client] of clients.entries()) {
      const panel = `[data-client="${client.username}"]`;
      const recipient = next(i);
      // The sender's side: its conversation with the next user, every bubble at least delivered.
      await page.click(`${panel} button[title="${p2pConversationId(client.userId, recipient.userId)}"]`);
      const allDelivered = await page
        .waitForFunction(
          ({ panel, body, count }) => {
            const mine = [...document.querySelectorAll(`${panel} .bubble.mine`)].filter((b) =>
              (b.getAttribute('data-message') ?? '').startsWith(body),
            );
            return (
              mine.length === count &&
              mine.every((b) => ['delivered', 'read'].includes(b.getAttribute('data-status') ?? ''))
            );
          },
          { panel, body: `${client.username} #`, count: PER_SENDER },
          WAIT,
        )
        .then(
          () => true,
          () => false,
        );
      if (!allDelivered) {
        const statuses = await page.$$eval(`${panel} .bubble.mine`, (bubbles) =>
          bubbles.map((b) => b.getAttribute('data-status') ?? ''),
        );
        const count = (...of: string[]): number => statuses.filter((x) => of.includes(x)).length;
        assert.fail(
          `${client.username}: ${statuses.length} sent bubbles, ${count('delivered', 'read')} at least delivered, ` +
            `${count('sent')} still "sent", ${count('sending')} "sending", ${count('failed')} failed`,
        );
      }
    }
    await screenshot(page, 'clients-burst-senders-delivered');

    const outOfOrder: string[] = [];
    for (const [i, client] of clients.entries()) {
      const sender = clients[(i + USERS - 1) % USERS] as ClientView;
      const panel = `[data-client="${client.username}"]`;
      // The recipient's side: the previous user's 20 messages, all there, in seq order 1..20.
      await page.click(`${panel} button[title="${p2pConversationId(client.userId, sender.userId)}"]`);
      await page.waitForFunction(
        ({ panel, count }) => document.querySelectorAll(`${panel} .bubble.theirs`).length === count,
        { panel, count: PER_SENDER },
        WAIT,
      );
      const seqs = await page.$$eval(`${panel} .bubble.theirs`, (bubbles) =>
        bubbles.map((b) => Number(b.getAttribute('data-seq'))),
      );
      if (seqs.join(',') !== Array.from({ length: PER_SENDER }, (_, k) => k + 1).join(',')) {
        outOfOrder.push(`${client.username}: ${seqs.join(',')}`);
      }
      // The panel follows the newest message: its list is scrolled to the end.
      await page.waitForFunction(
        (panel) => {
          const box = document.querySelector(`${panel} [data-testid="messages"]`) as HTMLElement;
          return box.scrollHeight - box.scrollTop - box.clientHeight < 2;
        },
        panel,
        WAIT,
      );
    }
    await screenshot(page, 'clients-burst-recipients-in-order');
    assert.deepEqual(outOfOrder, [], 'every recipient panel shows its 20 messages in seq order');

    // The same from the API: what the console shows is what the simulated clients hold.
    const after = await api<{ clients: ClientView[] }>('/api/clients');
    for (const [i, client] of clients.entries()) {
      const view = after.clients.find((c) => c.username === client.username) as ClientView;
      const sent = view.conversations
        .find((c) => c.conversationId === p2pConversationId(client.userId, next(i).userId))
        ?.messages.filter((m) => m.senderId === client.userId);
      assert.equal(sent?.length, PER_SENDER, `${client.username} holds its ${PER_SENDER} sent messages`);
      assert.deepEqual(
        sent?.filter((m) => m.status !== 'delivered' && m.status !== 'read').map((m) => `#${m.seq} ${m.status}`),
        [],
        `${client.username}: every sent message at least delivered`,
      );
    }
  },
);

test(
  "the set-up bar: a group is created with the creator's friends and said so; the seed users can be driven",
  {
    timeout: 120_000,
  },
  async (t) => {
    const browser = session.openedConsole(t);
    if (!browser) return;
    const { page } = browser;
    const WAIT = { timeout: 30_000 };
    // ring1 is first in the operator list; its friends are ring2 and ring10.
    await page.fill('[aria-label="group name"]', 'ring-team');
    await page.click('[data-action="create-group"]');
    await page.waitForSelector('[data-testid="group-done"]:has-text("ring1 and 2 friends")', WAIT);
    assert.match((await page.textContent('[data-testid="group-done"]')) ?? '', /^created "ring-team"/);
    await page.waitForSelector('[data-action="create-group"][disabled]', WAIT);
    assert.equal(
      await page.getAttribute('[data-action="create-group"]', 'title'),
      'ring1 already has a group "ring-team"',
      'a second group of the same name is refused before the click',
    );

    // The users `gochat up` seeds (alice..erin) are driven as simulated clients, whatever the case typed.
    const gateway = session.appliance.supervisor.services().find((s) => s.name === 'gw-1')?.addresses.http;
    assert.ok(gateway, 'gw-1 has an HTTP address');
    await seedDemoData(session.appliance.supervisor.layout, `http://${gateway}`, () => undefined);
    await page.fill('[aria-label="new username"]', 'ALICE');
    await page.click('[data-action="create-client"]');
    await page.waitForSelector('[data-client="alice"] .dot.ok', WAIT);
    await page.waitForSelector('[data-client="alice"] [data-friend="bob"]', WAIT);
    await page.fill('[aria-label="new username"]', 'alice');
    await page.click('[data-action="create-client"]');
    await page.waitForSelector('[role="alert"]:has-text("already a simulated client")', WAIT);
    await screenshot(page, 'clients-seed-user-and-group');
  },
);
