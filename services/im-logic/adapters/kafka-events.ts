// im-logic's domain events as Kafka records, through lib's EventPublisher (meta, headers, acks -1). Each record is
// keyed as the conventions say: messages by conversation id, group notices by group id.
import type { EventPublisher } from '../../../lib/kafka';
import type { DownstreamDelivery, EventOrigin, LogicEventPublisher } from '../domain/ports';

export class KafkaLogicEvents implements LogicEventPublisher {
  constructor(private readonly publisher: EventPublisher) {}

  async messagePersisted(
    event: Parameters<LogicEventPublisher['messagePersisted']>[0],
    origin: EventOrigin,
  ): Promise<void> {
    await this.publisher.publish('message.persist', event.message.conversationId, event, options(origin));
  }

  async messageDownstream(delivery: DownstreamDelivery, origin: EventOrigin): Promise<void> {
    await this.publisher.publish(
      'message.downstream',
      delivery.conversationId,
      {
        message: delivery.message,
        recipientIds: delivery.recipientIds,
        originGatewayId: delivery.originGatewayId,
        originConnId: delivery.originConnId,
        ackOnly: delivery.ackOnly,
        error: delivery.error,
        clientMsgId: delivery.clientMsgId,
        senderId: delivery.senderId,
      },
      options(origin),
    );
  }

  async messageRead(event: Parameters<LogicEventPublisher['messageRead']>[0], origin: EventOrigin): Promise<void> {
    await this.publisher.publish('message.read', event.conversationId, event, options(origin));
  }

  async friendRequested(
    event: Parameters<LogicEventPublisher['friendRequested']>[0],
    origin: EventOrigin,
  ): Promise<void> {
    await this.publisher.publish('friend.requested', event.toUserId, event, options(origin));
  }

  async friendRequestAccepted(
    event: Parameters<LogicEventPublisher['friendRequestAccepted']>[0],
    origin: EventOrigin,
  ): Promise<void> {
    await this.publisher.publish('friend.request.accepted', event.fromUserId, event, options(origin));
  }

  async groupMemberJoined(
    event: Parameters<LogicEventPublisher['groupMemberJoined']>[0],
    origin: EventOrigin,
  ): Promise<void> {
    await this.publisher.publish('group.member.joined', event.groupId, event, options(origin));
  }
}

function options(origin: EventOrigin): { traceparent?: string } {
  return origin.traceparent === undefined ? {} : { traceparent: origin.traceparent };
}
