export { ensureTopics } from './admin';
export { createKafka, kafkaLogCreator, type KafkaOptions } from './client';
export {
  SkipRecord,
  startEventConsumer,
  type AnyConsumedEvent,
  type ConsumedEvent,
  type EventConsumerOptions,
  type RunningEventConsumer,
} from './consumer';
export {
  EventPublisher,
  type EventBody,
  type EventPublisherOptions,
  type PublishedEvent,
  type PublishOptions,
} from './publisher';
export {
  contentTypeOf,
  decodeRecord,
  EVENT_REGISTRY,
  EVENT_TYPES,
  eventToJSON,
  eventTypeOfContentType,
  isEventType,
  type DecodedRecord,
  type EventDescriptor,
  type EventMessage,
  type EventMessages,
  type EventType,
} from './registry';
export {
  ALL_TOPICS,
  ConsumerGroups,
  Headers,
  isTopicName,
  TOPIC_SPECS,
  Topics,
  type TopicName,
  type TopicSpec,
} from './topics';
