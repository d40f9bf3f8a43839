// Conversation ids are derived, never stored separately: "p2p:<smaller user id>:<larger user id>" (code-unit
// order, so both sides compute the same id) and "group:<group id>".
import { ConversationType } from '../../../proto/gen/gochat/common/v1/common';
import { InvalidField } from './errors';

export type ConversationRef =
  | { type: 'p2p'; conversationId: string; userIds: [string, string] }
  | { type: 'group'; conversationId: string; groupId: string };

export function p2pConversationId(a: string, b: string): string {
  return a < b ? `p2p:${a}:${b}` : `p2p:${b}:${a}`;
}

export function groupConversationId(groupId: string): string {
  return `group:${groupId}`;
}

export function conversationTypeOf(ref: ConversationRef): ConversationType {
  return ref.type === 'p2p' ? ConversationType.CONVERSATION_TYPE_P2P : ConversationType.CONVERSATION_TYPE_GROUP;
}

/** Parses a conversation id; field names the request field it came from, for the error. */
export function parseConversationId(conversationId: string, field = 'conversation_id'): ConversationRef {
  const p2p = /^p2p:([^:]+):([^:]+)$/.exec(conversationId);
  if (p2p) {
    const [, a = '', b = ''] = p2p;
    if (a === b || p2pConversationId(a, b) !== conversationId) {
      throw new InvalidField(field, `"${conversationId}" is not canonical: expected p2p:<smaller id>:<larger id>`);
    }
    return { type: 'p2p', conversationId, userIds: [a, b] };
  }
  const group = /^group:(.+)$/.exec(conversationId);
  if (group?.[1]) {
    return { type: 'group', conversationId, groupId: group[1] };
  }
  throw new InvalidField(field, `"${conversationId}" is not a conversation id (p2p:<a>:<b> or group:<id>)`);
}

/** The other participant of a p2p conversation, or undefined when userId is not one of the two. */
export function p2pPeerOf(ref: Extract<ConversationRef, { type: 'p2p' }>, userId: string): string | undefined {
  const [a, b] = ref.userIds;
  if (userId === a) return b;
  if (userId === b) return a;
  return undefined;
}
