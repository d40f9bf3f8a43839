// One-click runs of the seed flows (docs: gochat-core-flows): each choreographs who does what to whom and checks
// what each simulated user receives, step by step, returning the trace ids to open in the Flows view.
import type { SimulatedClients } from './simulated-clients';
import { p2pConversationId } from './simulated-client';
import type { FlowRun, FlowStep } from '../contract';
export type { FlowRun, FlowStep };

export const SEED_FLOWS = ['user-online', 'send-and-read', 'group-member-added'] as const;
export type SeedFlow = (typeof SEED_FLOWS)[number];

export async function runSeedFlow(clients: SimulatedClients, flow: SeedFlow, prefix: string): Promise<FlowRun> {
  const steps: FlowStep[] = [];
  const step = async (
    label: string,
    action: () => Promise<string | { detail: string; traceId?: string }>,
  ): Promise<void> => {
    const result = await action();
    steps.push(typeof result === 'string' ? { label, ok: true, detail: result } : { label, ok: true, ...result });
  };
  try {
    const alice = await clients.create(`${prefix}alice`);
    const bob = await clients.create(`${prefix}bob`);
    if (!alice.friends.has(bob.userId))
      await step('alice asks bob to be friends, bob accepts', async () => {
        if (!(await alice.addFriend(bob.userId))) await bob.acceptFriend(alice.userId);
        await alice.refresh();
        return 'friends';
      });
    if (flow === 'user-online') {
      await step('bob goes offline', async () => {
        await bob.disconnect();
        await alice.waitFor('bob offline', () => alice.friends.get(bob.userId)?.status === 'offline');
        return 'alice sees bob offline';
      });
      await step('bob comes online', async () => {
        const before = alice.notices.length;
        await bob.connect();
        // The notice that bob is online: a late notice of his going offline may also arrive after `before`.
        const bobOnline = () =>
          alice.notices
            .slice(before)
            .find(
              (n) =>
                n.signalType === 'friend.status.changed' &&
                n.payload.userId === bob.userId &&
                n.payload.status === 'online',
            );
        await alice.waitFor('friend.status.changed online for bob', () => bobOnline() !== undefined);
        const notice = bobOnline();
        return { detail: 'alice received friend.status.changed: bob is online', traceId: notice?.traceId ?? undefined };
      });
    } else if (flow === 'send-and-read') {
      const conversationId = p2pConversationId(alice.userId, bob.userId);
      let traceId = '';
      let clientMsgId = '';
      await step('alice sends bob a message', async () => {
        ({ traceId, clientMsgId } = alice.send({ userId: bob.userId }, `hello bob (${new Date().toISOString()})`));
        await alice.waitFor('the ack', () => (alice.findOwn(clientMsgId)?.seq ?? 0) > 0);
        return { detail: `acked with seq ${alice.findOwn(clientMsgId)?.seq}`, traceId };
      });
      await step('bob receives it', async () => {
        await bob.waitFor('the message', () =>
          bob.conversation(conversationId).messages.some((m) => m.clientMsgId === clientMsgId),
        );
        return { detail: 'delivered to bob', traceId };
      });
      await step('bob reads it; alice gets the receipt', async () => {
        const readSeq = await bob.markRead(conversationId);
        await alice.waitFor('the read receipt', () => alice.findOwn(clientMsgId)?.status === 'read');
        const notice = [...alice.notices].reverse().find((n) => n.signalType === 'message.receipt.updated');
        return {
          detail: `bob read up to seq ${readSeq}; alice's message shows read`,
          traceId: notice?.traceId ?? undefined,
        };
      });
    } else {
      const carol = await clients.create(`${prefix}carol`);
      if (!alice.friends.has(carol.userId)) {
        await step('alice asks carol to be friends, carol accepts', async () => {
          if (!(await alice.addFriend(carol.userId))) await carol.acceptFriend(alice.userId);
          await alice.refresh();
          return 'friends';
        });
      }
      let groupId = '';
      await step('alice creates a group with bob', async () => {
        groupId = await alice.createGroup(`${prefix}team`, [bob.userId]);
        return `group ${groupId}`;
      });
      await step('alice adds carol; bob is told', async () => {
        const before = bob.notices.length;
        await alice.addGroupMember(groupId, carol.userId);
        // The notice about carol: one about the group's creation (bob himself) may still arrive after `before`.
        const aboutCarol = () =>
          bob.notices
            .slice(before)
            .find((n) => n.signalType === 'group.member.changed' && n.payload.userId === carol.userId);
        await bob.waitFor('group.member.changed for carol', () => aboutCarol() !== undefined);
        const notice = aboutCarol();
        return { detail: 'bob received group.member.changed: carol joined', traceId: notice?.traceId ?? undefined };
      });
    }
    return { flow, ok: true, steps };
  } catch (error) {
    steps.push({ label: 'failed', ok: false, detail: error instanceof Error ? error.message : String(error) });
    return { flow, ok: false, steps };
  }
}
