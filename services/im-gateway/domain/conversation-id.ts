import { groupConversationId, p2pConversationId, requireConversationId } from '../../../lib/conversation';

/** Where a client wants a message to go: exactly one of these. */
export type SendDestination = { userId: string } | { groupId: string } | { conversationId: string };

/**
 * The conversation a send belongs to, used as the Kafka key of its upstream record so that every send of one
 * conversation lands on one partition in the order the gateway published it. The gateway can always derive it:
 * it knows the sender, and p2p/group ids follow the shared convention.
 */
export function conversationIdFor(senderId: string, to: SendDestination): string {
  if ('userId' in to) return p2pConversationId(senderId, to.userId);
  if ('groupId' in to) return groupConversationId(to.groupId);
  requireConversationId(to.conversationId, 'to.conversationId');
  return to.conversationId;
}

/** Checks a conversation id a client sent; throws InvalidArgument naming the field. */
export function assertConversationId(value: string, field = 'conversationId'): string {
  requireConversationId(value, field);
  return value;
}
