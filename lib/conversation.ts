// Conversation ids of the conventions: "p2p:<smaller user id>:<larger user id>" and "group:<group id>".
import { ConversationType } from '../proto/gen/gochat/common/v1/common';
import { InvalidArgument } from './errors';

export function p2pConversationId(userA: string, userB: string): string {
  if (userA === '' || userB === '') throw new InvalidArgument('a p2p conversation needs two user ids');
  if (userA === userB) throw new InvalidArgument('a p2p conversation needs two different users');
  return userA < userB ? `p2p:${userA}:${userB}` : `p2p:${userB}:${userA}`;
}

export function groupConversationId(groupId: string): string {
  if (groupId === '') throw new InvalidArgument('a group conversation needs a group id');
  return `group:${groupId}`;
}

export type ParsedConversationId =
  | { type: ConversationType.CONVERSATION_TYPE_P2P; userIds: [string, string] }
  | { type: ConversationType.CONVERSATION_TYPE_GROUP; groupId: string };

/** Parses a conversation id, or returns undefined when it does not follow the conventions. */
export function parseConversationId(conversationId: string): ParsedConversationId | undefined {
  if (conversationId.startsWith('group:')) {
    const groupId = conversationId.slice('group:'.length);
    return groupId === '' ? undefined : { type: ConversationType.CONVERSATION_TYPE_GROUP, groupId };
  }
  if (conversationId.startsWith('p2p:')) {
    const parts = conversationId.slice('p2p:'.length).split(':');
    if (parts.length !== 2) return undefined;
    const [a, b] = parts as [string, string];
    if (a === '' || b === '' || !(a < b)) return undefined;
    return { type: ConversationType.CONVERSATION_TYPE_P2P, userIds: [a, b] };
  }
  return undefined;
}

/** Like parseConversationId, but throws InvalidArgument naming the field. */
export function requireConversationId(conversationId: string, field = 'conversation_id'): ParsedConversationId {
  const parsed = parseConversationId(conversationId);
  if (!parsed) {
    throw new InvalidArgument(
      `${field} "${conversationId}" is not "p2p:<smaller user id>:<larger user id>" or "group:<group id>"`,
    );
  }
  return parsed;
}
