// What a simulated client does with each frame its gateway pushes: acks fill in seqs, messages land in their
// conversation, signals update friends' presence, read ticks and group notices.
import type { ClientFrameEvent } from '../flows/flow-tracker';
import { applyReaders, noteDelivered, noteReader } from './receipts';
import type { MessageFrame, ServerFrame, SignalFrame } from '../../../lib/chat-client';
import type { SimConversation, SimMessage, SimNotice } from './views';

/** The parts of a simulated client that incoming frames change. */
export interface InboundState {
  readonly userId: string;
  lastError: string | null;
  readonly friends: Map<string, { userId: string; username: string; status: string }>;
  readonly groups: Map<string, { groupId: string; name: string; memberCount: number }>;
  readonly notices: SimNotice[];
  conversation(conversationId: string): SimConversation;
  findOwn(clientMsgId: string): SimMessage | undefined;
  takeEarlyDeliveries(messageId: string): Map<string, number>;
  recipientsOf(conversationId: string): number;
  refresh(): Promise<void>;
  nameOf(userId: string): string;
  titleOf(conversation: SimConversation): string;
}

export interface InboundEffects {
  emit(event: Omit<ClientFrameEvent, 'username' | 'gatewayId' | 'atMs'>): void;
  messageArrived(frame: MessageFrame): void;
}

export function applyInboundFrame(client: InboundState, io: InboundEffects, frame: ServerFrame): void {
  const traceOf = (traceparent: unknown): string | null =>
    typeof traceparent === 'string' ? (/^[0-9a-f]{2}-([0-9a-f]{32})-/.exec(traceparent)?.[1] ?? null) : null;
  switch (frame.type) {
    case 'ack': {
      const message = client.findOwn(String(frame.clientMsgId));
      if (message) {
        message.messageId = String(frame.messageId ?? '');
        message.seq = Number(frame.seq ?? 0);
        message.ackedAtMs = Date.now();
        message.recipients = client.recipientsOf(message.conversationId);
        if (message.status === 'sending') message.status = 'sent';
        delete message.waitingFor;
        for (const [receiverId, atMs] of client.takeEarlyDeliveries(message.messageId))
          noteDelivered(message, receiverId, atMs);
        applyReaders(client.conversation(message.conversationId), message);
      }
      io.emit({
        direction: 'in',
        channel: 'ws',
        traceId: message?.traceId ?? null,
        label: `ack seq ${String(frame.seq)}`,
        clientMsgId: String(frame.clientMsgId),
      });
      break;
    }
    case 'message': {
      const m = frame.message;
      const conversation = client.conversation(m.conversationId);
      if (!conversation.messages.some((x) => x.messageId === m.messageId)) {
        conversation.messages.push({ ...m, status: 'delivered', traceId: null });
        conversation.messages.sort((a, b) => (a.seq || Infinity) - (b.seq || Infinity));
      }
      // A message from someone not (yet) in the friend list: they may have just added this user.
      if (m.senderId !== client.userId && !client.friends.has(m.senderId) && !m.conversationId.startsWith('group:')) {
        void client.refresh().catch((error: unknown) => (client.lastError = String(error)));
      }
      io.emit({
        direction: 'in',
        channel: 'ws',
        traceId: null,
        label: `message seq ${m.seq}`,
        clientMsgId: m.clientMsgId,
      });
      io.messageArrived(frame);
      break;
    }
    case 'signal':
      applySignal(client, io, frame, traceOf(frame.cause?.traceparent));
      break;
    case 'error': {
      const message = typeof frame.clientMsgId === 'string' ? client.findOwn(frame.clientMsgId) : undefined;
      if (message) {
        message.status = 'failed';
        delete message.waitingFor;
        message.error = `${String(frame.code)}: ${String(frame.message)}`;
      } else client.lastError = `${String(frame.code)}: ${String(frame.message)}`;
      io.emit({
        direction: 'in',
        channel: 'ws',
        traceId: message?.traceId ?? null,
        label: `error ${String(frame.code)}`,
        clientMsgId: message?.clientMsgId,
      });
      break;
    }
  }
}

function applySignal(client: InboundState, io: InboundEffects, frame: SignalFrame, traceId: string | null): void {
  const signalType = String(frame.signalType);
  const payload = (frame.payload ?? {}) as Record<string, unknown>;
  const cause = (frame.cause ?? {}) as { eventType?: string };
  let text = signalType;
  if (signalType === 'friend.status.changed') {
    const friend = client.friends.get(String(payload.userId));
    if (friend) friend.status = String(payload.status);
    text = `${friend?.username ?? String(payload.userId)} is ${String(payload.status)}`;
  } else if (signalType === 'message.receipt.updated') {
    const conversation = client.conversation(String(payload.conversationId));
    const readSeq = Number(payload.readSeq ?? 0);
    if (String(payload.readerId) !== client.userId) {
      const readAtMs = Number(payload.readAtMs);
      noteReader(conversation, String(payload.readerId), readSeq, readAtMs > 0 ? readAtMs : Date.now());
      for (const m of conversation.messages) if (m.senderId === client.userId) applyReaders(conversation, m);
    }
    const where = conversation.conversationId.startsWith('group:') ? ` in ${client.titleOf(conversation)}` : '';
    text = `${client.nameOf(String(payload.readerId))} read up to #${readSeq}${where}`;
  } else if (signalType === 'friend.request.received' || signalType === 'friend.request.accepted') {
    const accepted = signalType === 'friend.request.accepted';
    const other = String(accepted ? payload.toUserId : payload.fromUserId);
    text = accepted
      ? `${client.nameOf(other)} accepted your friend request`
      : `${client.nameOf(other)} asks to be friends`;
    // A new friend: their presence and conversation come with the friend list.
    if (accepted) void client.refresh().catch((error: unknown) => (client.lastError = String(error)));
  }
  const notice: SimNotice = { atMs: Date.now(), signalType, text, traceId, payload };
  if (signalType === 'group.member.changed') {
    const groupId = String(payload.groupId);
    const group = client.groups.get(groupId);
    if (group && typeof payload.memberCount === 'number') group.memberCount = payload.memberCount;
    const describe = (groupName: string): string =>
      `${client.nameOf(String(payload.userId))} ${String(payload.change)} group ${groupName}`;
    notice.text = describe(group?.name ?? groupId);
    // A group this client just joined is not in its list yet: the notice names it once the list is refreshed.
    if (!group) {
      void client.refresh().then(
        () => (notice.text = describe(client.groups.get(groupId)?.name ?? groupId)),
        (error: unknown) => (client.lastError = String(error)),
      );
    }
  }
  client.notices.push(notice);
  io.emit({
    direction: 'in',
    channel: 'ws',
    traceId,
    label: `signal ${signalType}`,
    signalType,
    causeEventType: cause.eventType,
  });
}
