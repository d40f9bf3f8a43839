// GatewayEventPublisher over Kafka through lib's EventPublisher (acks -1, conventions' headers and EventMeta); each
// record's span is a child of the active span.
import type { EventPublisher } from '../../../lib/kafka/publisher';
import type { MessageUpstream, UserOffline, UserOnline } from '../../../proto/gen/gochat/events/v1/events';
import type { GatewayEventPublisher } from '../domain/ports';

export class KafkaGatewayEvents implements GatewayEventPublisher {
  constructor(private readonly publisher: EventPublisher) {}

  async publishUserOnline(event: Omit<UserOnline, 'meta'>): Promise<void> {
    await this.publisher.publish('user.online', event.userId, event);
  }

  async publishUserOffline(event: Omit<UserOffline, 'meta'>): Promise<void> {
    await this.publisher.publish('user.offline', event.userId, event);
  }

  async publishUpstream(event: Omit<MessageUpstream, 'meta'>, key: string): Promise<void> {
    await this.publisher.publish('message.upstream', key, event);
  }
}
