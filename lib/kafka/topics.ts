// The topics of the conventions, with their partition counts and what each is keyed by. Keys keep order where it
// matters: a user's offline never overtakes their online, a conversation's messages stay in seq order.

export const Topics = {
  userEvents: 'gochat.user-events',
  messageEvents: 'gochat.message-events',
  notifications: 'gochat.notifications',
  messagesUpstream: 'gochat.messages.upstream',
  messagesPersist: 'gochat.messages.persist',
  messagesDownstream: 'gochat.messages.downstream',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export interface TopicSpec {
  name: TopicName;
  partitions: number;
  /** What the record key holds. */
  keyedBy: 'user_id' | 'conversation_id' | 'group_id';
}

export const TOPIC_SPECS: Readonly<Record<TopicName, TopicSpec>> = {
  'gochat.user-events': { name: 'gochat.user-events', partitions: 4, keyedBy: 'user_id' },
  'gochat.message-events': { name: 'gochat.message-events', partitions: 4, keyedBy: 'conversation_id' },
  'gochat.notifications': { name: 'gochat.notifications', partitions: 4, keyedBy: 'group_id' },
  'gochat.messages.upstream': { name: 'gochat.messages.upstream', partitions: 6, keyedBy: 'conversation_id' },
  'gochat.messages.persist': { name: 'gochat.messages.persist', partitions: 6, keyedBy: 'conversation_id' },
  'gochat.messages.downstream': { name: 'gochat.messages.downstream', partitions: 6, keyedBy: 'conversation_id' },
};

export const ALL_TOPICS: readonly TopicName[] = Object.values(Topics);

/** Consumer group ids of the conventions. */
export const ConsumerGroups = {
  imLogic: 'im-logic',
  imTask: 'im-task',
  imGateway: (gatewayId: string): string => `im-gateway.${gatewayId}`,
} as const;

/** Record header names of the conventions. */
export const Headers = {
  eventType: 'event-type',
  eventId: 'event-id',
  traceparent: 'traceparent',
  contentType: 'content-type',
} as const;

export function isTopicName(name: string): name is TopicName {
  return Object.prototype.hasOwnProperty.call(TOPIC_SPECS, name);
}
