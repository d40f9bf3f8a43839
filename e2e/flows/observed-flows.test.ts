// The seed's three flows and the send flow, each run by the appliance's simulated clients against a whole appliance
// (supervisor, embedded broker, every service a real process), and each exported as mermaid text: the diagram has
// the participants and arrows of the seed's diagram (../shared/seed/gochat-core-flows.zh.md), in order, and every
// one of them is a solid arrow, a hop reported by the process that made it, none inferred.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startAppliance, type RunningAppliance } from '../console/support/appliance-harness';

let appliance: RunningAppliance;

before(async () => {
  appliance = await startAppliance({ gateways: 2, quiet: true, tracing: true });
});

after(async () => {
  await appliance?.stop();
});

interface FlowRun {
  ok: boolean;
  steps: { label: string; ok: boolean; detail: string; traceId?: string }[];
}

async function runSeedFlow(flow: string, prefix: string): Promise<FlowRun> {
  const run = await appliance.api<FlowRun>(`/api/seed-flows/${flow}`, { prefix });
  assert.ok(run.ok, `seed flow ${flow} failed: ${JSON.stringify(run.steps)}`);
  return run;
}

async function mermaidOf(traceId: string): Promise<string> {
  const response = await fetch(`${appliance.console.url}/api/flows/${traceId}/mermaid`, {
    headers: { authorization: `Bearer ${appliance.console.token}` },
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return text;
}

interface Arrow {
  line: string;
  from: string;
  arrow: string;
  to: string;
  label: string;
}

/** The arrows of a mermaid sequenceDiagram, with participant ids replaced by their names. */
function arrowsOf(mermaid: string): { participants: string[]; arrows: Arrow[] } {
  const names = new Map<string, string>();
  const arrows: Arrow[] = [];
  for (const raw of mermaid.split('\n')) {
    const line = raw.trim();
    const participant = /^participant (\S+) as (.+)$/.exec(line);
    if (participant) names.set(participant[1]!, participant[2]!);
    const arrow = /^(\S+?)(->>|-->>|-x)(\S+?): (.*)$/.exec(line);
    if (arrow) {
      const [, from, kind, to, label] = arrow as unknown as [string, string, string, string, string];
      arrows.push({ line, from: names.get(from) ?? from, arrow: kind, to: names.get(to) ?? to, label });
    }
  }
  return { participants: [...names.values()], arrows };
}

const show = (a: Arrow) => `${a.from} ${a.arrow} ${a.to}: ${a.label}`;

/**
 * Finds the expected arrows, in this order, among the diagram's observed arrows; returns what is missing (empty
 * when all were found in order).
 */
function unmatched(arrows: Arrow[], expected: RegExp[]): string[] {
  const observed = arrows.filter((a) => a.arrow === '->>').map(show);
  let at = 0;
  const missing: string[] = [];
  for (const pattern of expected) {
    const found = observed.findIndex((line, i) => i >= at && pattern.test(line));
    if (found < 0) missing.push(String(pattern));
    else at = found + 1;
  }
  return missing;
}

/** Polls the exported diagram until every expected chain is there in order (spans arrive in batches). */
async function expectDiagram(traceId: string, chains: RegExp[][], participants: RegExp[]): Promise<string> {
  const deadline = Date.now() + 20_000;
  let mermaid = '';
  let problems: string[] = [];
  while (Date.now() < deadline) {
    mermaid = await mermaidOf(traceId);
    const diagram = arrowsOf(mermaid);
    problems = [
      ...chains.flatMap((chain) => unmatched(diagram.arrows, chain)),
      ...participants
        .filter((p) => !diagram.participants.some((name) => p.test(name)))
        .map((p) => `participant ${String(p)}`),
    ];
    if (problems.length === 0) {
      // Every hop of the seed's diagram is observed: no arrow of this flow is inferred.
      assert.deepEqual(
        diagram.arrows.filter((a) => a.arrow === '-->>').map(show),
        [],
        'no arrow of the flow is inferred',
      );
      return mermaid;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  assert.fail(`flow ${traceId} lacks, in order:\n  ${problems.join('\n  ')}\nexported:\n${mermaid}`);
}

const GW = String.raw`im-gateway/gw-\d+`;
const rx = (text: string) => new RegExp(`^${text}`);

describe('flows observed end to end, exported as mermaid', { timeout: 180_000 }, () => {
  test('user online: connect, SetUserOnline, user.online, then im-task tells the friends', async () => {
    const run = await runSeedFlow('user-online', 'on');
    const traceId = run.steps.find((s) => s.label === 'bob comes online')?.traceId;
    assert.ok(traceId, 'the flow run names the trace of the online notice');
    const mermaid = await expectDiagram(
      traceId,
      [
        [
          rx(`client:onbob ->> ${GW}: connect`),
          rx(`${GW} ->> im-repo: SetUserOnline`),
          rx(`${GW} ->> topic:gochat.user-events: user.online`),
          rx(`topic:gochat.user-events ->> im-task: consume`),
          rx(`im-task ->> im-repo: GetUserFriends`),
          rx(`im-task ->> ${GW}: PushToUsers`),
          // The seed draws the pushes to the friends after the commit; they happen inside PushToUsers, before it.
          rx(`${GW} ->> client:onalice: signal friend.status.changed`),
          rx(`im-task ->> topic:gochat.user-events: commit offset`),
        ],
        // "连接成功": the hello frame, once presence and the record are done.
        [rx(`${GW} ->> topic:gochat.user-events: user.online`), rx(`${GW} ->> client:onbob: hello`)],
      ],
      [
        /^client:onbob$/,
        new RegExp(`^${GW}$`),
        /^im-repo$/,
        /^topic:gochat.user-events$/,
        /^im-task$/,
        /^client:onalice$/,
      ],
    );
    assert.match(mermaid, /^sequenceDiagram\n/);
  });

  test('send: the frame, upstream, im-logic, persist and downstream, the ack and the delivery', async () => {
    const run = await runSeedFlow('send-and-read', 'sd');
    const traceId = run.steps.find((s) => s.label === 'alice sends bob a message')?.traceId;
    assert.ok(traceId);
    await expectDiagram(
      traceId,
      [
        [
          rx(`client:sdalice ->> ${GW}: send`),
          rx(`${GW} ->> topic:gochat.messages.upstream: message.upstream`),
          rx(`topic:gochat.messages.upstream ->> im-logic: consume`),
          rx(`im-logic ->> topic:gochat.messages.downstream: message.downstream`),
          rx(`topic:gochat.messages.downstream ->> ${GW}: consume`),
          rx(`${GW} ->> client:sdbob: message`),
        ],
        [
          rx(`topic:gochat.messages.upstream ->> im-logic: consume`),
          rx(`im-logic ->> topic:gochat.messages.persist: message.persist`),
          rx(`topic:gochat.messages.persist ->> im-task: consume`),
        ],
        [rx(`topic:gochat.messages.downstream ->> ${GW}: consume`), rx(`${GW} ->> client:sdalice: ack`)],
      ],
      [/^client:sdalice$/, /^im-logic$/, /^topic:gochat.messages.persist$/, /^im-task$/, /^client:sdbob$/],
    );
  });

  test('read receipt: the HTTP read, MarkAsRead, UpdateReadPointer, message.read, the receipt pushed', async () => {
    const run = await runSeedFlow('send-and-read', 'rd');
    const traceId = run.steps.find((s) => s.label === 'bob reads it; alice gets the receipt')?.traceId;
    assert.ok(traceId);
    await expectDiagram(
      traceId,
      [
        [
          rx(`client:rdbob ->> ${GW}: POST /api/conversations/`),
          rx(`${GW} ->> im-logic: MarkAsRead`),
          rx(`im-logic ->> im-repo: UpdateReadPointer`),
          rx(`im-logic ->> topic:gochat.message-events: message.read`),
          rx(`topic:gochat.message-events ->> im-task: consume`),
          rx(`im-task ->> ${GW}: PushToUsers`),
          rx(`${GW} ->> client:rdalice: signal message.receipt.updated`),
          rx(`im-task ->> topic:gochat.message-events: commit offset`),
        ],
      ],
      [/^client:rdbob$/, /^im-logic$/, /^im-repo$/, /^topic:gochat.message-events$/, /^im-task$/, /^client:rdalice$/],
    );
  });

  test('group member added: AddGroupMember through im-logic and im-repo, the members told', async () => {
    const run = await runSeedFlow('group-member-added', 'gr');
    const traceId = run.steps.find((s) => s.label === 'alice adds carol; bob is told')?.traceId;
    assert.ok(traceId);
    await expectDiagram(
      traceId,
      [
        [
          rx(`client:gralice ->> ${GW}: POST /api/groups/`),
          rx(`${GW} ->> im-logic: AddGroupMember`),
          rx(`im-logic ->> im-repo: AddGroupMember`),
          rx(`im-logic ->> topic:gochat.notifications: group.member.joined`),
          rx(`topic:gochat.notifications ->> im-task: consume`),
          rx(`im-task ->> im-repo: GetGroupMembers`),
          rx(`im-task ->> ${GW}: PushToUsers`),
          rx(`${GW} ->> client:grbob: signal group.member.changed`),
          rx(`im-task ->> topic:gochat.notifications: commit offset`),
        ],
      ],
      [/^client:gralice$/, /^im-logic$/, /^im-repo$/, /^topic:gochat.notifications$/, /^im-task$/, /^client:grbob$/],
    );
  });
});
