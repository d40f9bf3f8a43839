// The send path: validate, authorise, store (dedup + seq in one repo call), then publish the persist record
// (indexing) and the downstream record (delivery + ack). Nothing is acked before it is stored.
import type { ChatMessage } from '../../../proto/gen/gochat/common/v1/common';
import { conversationTypeOf, groupConversationId, p2pConversationId } from './conversation';
import { isRejection, type DomainError } from './errors';
import type { ConversationAccess } from './membership';
import { validateOutgoing, type SendRequest } from './outgoing-message';
import type { EventOrigin, LogicEventPublisher, MessageStore } from './ports';

export interface SendCommand extends SendRequest {
  originGatewayId: string;
  originConnId: string;
}

export interface SendResult {
  message: ChatMessage;
  duplicate: boolean;
}

export class MessageSender {
  constructor(
    private readonly access: ConversationAccess,
    private readonly store: MessageStore,
    private readonly events: LogicEventPublisher,
  ) {}

  /** Throws a domain error for a send the client must be told about; anything else is infrastructure. */
  async send(cmd: SendCommand, origin: EventOrigin): Promise<SendResult> {
    const outgoing = validateOutgoing(cmd);
    const ref = outgoing.destination;
    const audience = await this.access.forSending(ref, cmd.senderId);
    const saved = await this.store.saveMessage({
      messageId: '',
      conversationId: ref.conversationId,
      conversationType: conversationTypeOf(ref),
      seq: 0,
      senderId: outgoing.senderId,
      clientMsgId: outgoing.clientMsgId,
      contentType: outgoing.contentType,
      body: outgoing.body,
      sentAtMs: 0,
    });
    // The persist record is published for a duplicate too: if an earlier attempt stored the message and then
    // died before publishing, this is what gets it indexed. Indexing is idempotent, so the repeat costs nothing.
    // The sender is among the recipients so that their other devices see the message; the origin gateway sends
    // the ack (not the message) to the origin connection. A duplicate whose delivery was published only repeats
    // the ack; one whose first attempt died between storing and publishing is delivered now (gateways drop a
    // (conversation, seq) a connection already has, so a redelivery is never shown twice).
    // The two records go to different topics, so publishing them together keeps each topic's order.
    const deliver = !saved.duplicate || !saved.dispatched;
    await Promise.all([
      this.events.messagePersisted({ message: saved.message, memberIds: audience.memberIds }, origin),
      this.events.messageDownstream(
        {
          conversationId: ref.conversationId,
          message: saved.message,
          recipientIds: deliver ? audience.memberIds : [],
          originGatewayId: cmd.originGatewayId,
          originConnId: cmd.originConnId,
          ackOnly: !deliver,
          clientMsgId: outgoing.clientMsgId,
          senderId: outgoing.senderId,
        },
        origin,
      ),
    ]);
    // Marked only after both records are out: a crash before this line means the next duplicate delivers again.
    if (deliver) await this.store.markDispatched(saved.message.messageId);
    return { message: saved.message, duplicate: saved.duplicate };
  }

  /**
   * The upstream path: a refused send is reported to the origin connection through the downstream topic and
   * counts as handled, so a bad message never blocks its partition. Infrastructure failures propagate (retry).
   */
  async sendFromUpstream(cmd: SendCommand, origin: EventOrigin): Promise<SendResult | DomainError> {
    try {
      return await this.send(cmd, origin);
    } catch (err) {
      if (!isRejection(err)) throw err;
      await this.events.messageDownstream(
        {
          conversationId: bestEffortConversationKey(cmd),
          recipientIds: [],
          originGatewayId: cmd.originGatewayId,
          originConnId: cmd.originConnId,
          ackOnly: false,
          error: { code: err.code, message: err.message },
          clientMsgId: cmd.clientMsgId,
          senderId: cmd.senderId,
        },
        origin,
      );
      return err;
    }
  }
}

/** The partition key for a refused send: its conversation if it can be named, else the sender. */
function bestEffortConversationKey(cmd: SendCommand): string {
  if (cmd.conversationId !== '') return cmd.conversationId;
  if (cmd.groupId !== '') return groupConversationId(cmd.groupId);
  if (cmd.toUserId !== '' && cmd.senderId !== '') return p2pConversationId(cmd.senderId, cmd.toUserId);
  return cmd.senderId;
}
