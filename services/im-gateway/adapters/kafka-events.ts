// GatewayEventPublisher over Kafka through lib's EventPublisher (acks -1, conventions' headers and EventMeta).
import type { EventPublisher } from '../../../lib/kafka/publisher';
import type { MessageUpstream, UserOffline, UserOnline } from '../../../proto/gen/gochat/events/v1/events';
import type { GatewayEventPublisher } from '../domain/ports';

export class KafkaGatewayEvents implements GatewayEventPublisher {
  constructor(private readonly publisher: EventPublisher) {}

  private static opts(traceparent: string | undefined) {
    return traceparent ? { traceparent } : {};
  }

  async publishUserOnline(event: Omit<UserOnline, 'meta'>, traceparent?: string): Promise<void> {
    await this.publisher.publish('user.online', event.userId, event, KafkaGatewayEvents.opts(traceparent));
  }

  async publishUserOffline(event: Omit<UserOffline, 'meta'>, traceparent?: string): Promise<void> {
    await this.publisher.publish('user.offline', event.userId, event, KafkaGatewayEvents.opts(traceparent));
  }

  async publishUpstream(event: Omit<MessageUpstream, 'meta'>, key: string, traceparent?: string): Promise<void> {
    await this.publisher.publish('message.upstream', key, event, KafkaGatewayEvents.opts(traceparent));
  }
}
