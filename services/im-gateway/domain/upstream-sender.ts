import { conversationIdFor, type SendDestination } from './conversation-id';
import { checkBody, checkClientMsgId, checkContentType } from '../../../lib/limits';
import { dependencyUnavailable } from './errors';
import type { GatewayEventPublisher } from './ports';

export interface OutgoingMessage {
  clientMsgId: string;
  to: SendDestination;
  body: string;
  contentType: string;
}

/**
 * Turns a client's send into a MessageUpstream record. Nothing is stored here: the client gets its ack only once
 * im-logic has stored the message (the ack comes back on the downstream topic).
 */
export class UpstreamSender {
  constructor(
    private readonly gatewayId: string,
    private readonly events: GatewayEventPublisher,
  ) {}

  async send(sender: { userId: string; connId: string }, msg: OutgoingMessage): Promise<{ conversationId: string }> {
    // The rules im-logic checks again (lib/limits.ts): a send they refuse never reaches Kafka.
    checkClientMsgId(msg.clientMsgId);
    checkBody(msg.body);
    const contentType = checkContentType(msg.contentType);
    // Every send of a conversation gets the same key, so one partition keeps them in publishing order.
    const conversationId = conversationIdFor(sender.userId, msg.to);
    try {
      await this.events.publishUpstream(
        {
          senderId: sender.userId,
          toUserId: 'userId' in msg.to ? msg.to.userId : '',
          groupId: 'groupId' in msg.to ? msg.to.groupId : '',
          conversationId: 'conversationId' in msg.to ? msg.to.conversationId : '',
          clientMsgId: msg.clientMsgId,
          contentType,
          body: msg.body,
          originGatewayId: this.gatewayId,
          originConnId: sender.connId,
        },
        conversationId,
      );
    } catch (err) {
      throw dependencyUnavailable('the message queue', err);
    }
    return { conversationId };
  }
}
