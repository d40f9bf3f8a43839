import { conversationIdFor, type SendDestination } from './conversation-id';
import { InvalidArgument } from '../../../lib/errors';
import { dependencyUnavailable, GatewayErrorCode } from './errors';
import type { GatewayEventPublisher } from './ports';

export interface OutgoingMessage {
  clientMsgId: string;
  to: SendDestination;
  body: string;
  contentType: string;
  traceparent?: string;
}

/** Limits a gateway checks before anything goes to Kafka; im-logic checks the same rules again. */
export const MAX_BODY_BYTES = 16 * 1024;
const CLIENT_MSG_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

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
    if (!CLIENT_MSG_ID.test(msg.clientMsgId)) {
      throw new InvalidArgument('clientMsgId must be 1-64 characters of [A-Za-z0-9_.:-]');
    }
    if (Buffer.byteLength(msg.body, 'utf8') > MAX_BODY_BYTES) {
      throw new InvalidArgument(`body exceeds ${MAX_BODY_BYTES} bytes`, { code: GatewayErrorCode.bodyTooLarge });
    }
    if (msg.body.length === 0) throw new InvalidArgument('body must not be empty');
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
          contentType: msg.contentType,
          body: msg.body,
          originGatewayId: this.gatewayId,
          originConnId: sender.connId,
        },
        conversationId,
        msg.traceparent,
      );
    } catch (err) {
      throw dependencyUnavailable('the message queue', err);
    }
    return { conversationId };
  }
}
