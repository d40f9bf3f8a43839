// Checks a send request before anything is stored: one destination, a client_msg_id for dedup, a body that fits,
// a content type clients may use. The result is the conversation the message goes to.
import { checkBody, checkClientMsgId, checkContentType, isValidId } from '../../../lib/limits';
import { InvalidField } from './errors';
import { groupRef, p2pRef, parseConversationId, type ConversationRef } from './conversation';

export interface SendRequest {
  senderId: string;
  toUserId: string;
  groupId: string;
  conversationId: string;
  clientMsgId: string;
  contentType: string;
  body: string;
}

export interface OutgoingMessage {
  destination: ConversationRef;
  senderId: string;
  clientMsgId: string;
  contentType: string;
  body: string;
}

export function resolveDestination(
  req: Pick<SendRequest, 'senderId' | 'toUserId' | 'groupId' | 'conversationId'>,
): ConversationRef {
  const named = [req.toUserId, req.groupId, req.conversationId].filter((v) => v !== '').length;
  if (named !== 1) {
    throw new InvalidField(
      'destination',
      `exactly one of to_user_id, group_id, conversation_id must be set (got ${named})`,
    );
  }
  if (req.toUserId !== '') {
    if (!isValidId(req.toUserId)) throw new InvalidField('to_user_id', 'is not a valid user id');
    if (req.toUserId === req.senderId) throw new InvalidField('to_user_id', 'cannot send a message to yourself');
    return p2pRef(req.senderId, req.toUserId);
  }
  if (req.groupId !== '') {
    if (!isValidId(req.groupId)) throw new InvalidField('group_id', 'is not a valid group id');
    return groupRef(req.groupId);
  }
  return parseConversationId(req.conversationId);
}

export function validateOutgoing(req: SendRequest): OutgoingMessage {
  if (req.senderId === '') throw new InvalidField('sender_id', 'is required');
  const destination = resolveDestination(req);
  // The same rules as the gateway's, from one definition (lib/limits.ts).
  checkClientMsgId(req.clientMsgId, 'client_msg_id');
  const contentType = checkContentType(req.contentType, 'content_type');
  checkBody(req.body, 'body');
  return { destination, senderId: req.senderId, clientMsgId: req.clientMsgId, contentType, body: req.body };
}
