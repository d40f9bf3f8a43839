// A conversation as the rules see it. Ids follow lib's conventions ("p2p:<smaller>:<larger>", "group:<id>").
import { ConversationType } from '../../../proto/gen/gochat/common/v1/common';
import { groupConversationId, p2pConversationId, parseConversationId as parseId } from '../../../lib/conversation';
import { InvalidField } from './errors';

export { groupConversationId, p2pConversationId };

export type ConversationRef =
  | { type: 'p2p'; conversationId: string; userIds: [string, string] }
  | { type: 'group'; conversationId: string; groupId: string };

export function conversationTypeOf(ref: ConversationRef): ConversationType {
  return ref.type === 'p2p' ? ConversationType.CONVERSATION_TYPE_P2P : ConversationType.CONVERSATION_TYPE_GROUP;
}

export function p2pRef(a: string, b: string): ConversationRef {
  return { type: 'p2p', conversationId: p2pConversationId(a, b), userIds: a < b ? [a, b] : [b, a] };
}

export function groupRef(groupId: string): ConversationRef {
  return { type: 'group', conversationId: groupConversationId(groupId), groupId };
}

/** Parses a conversation id; field names the request field it came from, for the error. */
export function parseConversationId(conversationId: string, field = 'conversation_id'): ConversationRef {
  const parsed = parseId(conversationId);
  if (parsed === undefined) {
    throw new InvalidField(
      field,
      `"${conversationId}" is not p2p:<smaller user id>:<larger user id> or group:<group id>`,
    );
  }
  return parsed.type === ConversationType.CONVERSATION_TYPE_P2P
    ? { type: 'p2p', conversationId, userIds: parsed.userIds }
    : { type: 'group', conversationId, groupId: parsed.groupId };
}

/** The other participant of a p2p conversation, or undefined when userId is not one of the two. */
export function p2pPeerOf(ref: Extract<ConversationRef, { type: 'p2p' }>, userId: string): string | undefined {
  const [a, b] = ref.userIds;
  if (userId === a) return b;
  if (userId === b) return a;
  return undefined;
}
