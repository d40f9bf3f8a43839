// Checks a send request before anything is stored: one destination, a client_msg_id for dedup, a body that fits,
// a content type clients may use. The result is the conversation the message goes to.
import { ID_PATTERN } from './limits';
import { InvalidField } from './errors';
import { groupRef, p2pRef, parseConversationId, type ConversationRef } from './conversation';

export const MAX_BODY_BYTES = 16 * 1024;
export const MAX_CLIENT_MSG_ID_LENGTH = 128;
export const DEFAULT_CONTENT_TYPE = 'text/plain';
/** "system/..." types are written by the server only (member changes), so clients may not forge them. */
export const CLIENT_CONTENT_TYPES: ReadonlySet<string> = new Set(['text/plain', 'text/markdown', 'application/json']);

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
    if (!ID_PATTERN.test(req.toUserId)) throw new InvalidField('to_user_id', 'is not a valid user id');
    if (req.toUserId === req.senderId) throw new InvalidField('to_user_id', 'cannot send a message to yourself');
    return p2pRef(req.senderId, req.toUserId);
  }
  if (req.groupId !== '') {
    if (!ID_PATTERN.test(req.groupId)) throw new InvalidField('group_id', 'is not a valid group id');
    return groupRef(req.groupId);
  }
  return parseConversationId(req.conversationId);
}

export function validateOutgoing(req: SendRequest): OutgoingMessage {
  if (req.senderId === '') throw new InvalidField('sender_id', 'is required');
  const destination = resolveDestination(req);
  if (req.clientMsgId === '') throw new InvalidField('client_msg_id', 'is required (it makes retries safe)');
  if (req.clientMsgId.length > MAX_CLIENT_MSG_ID_LENGTH) {
    throw new InvalidField('client_msg_id', `is longer than ${MAX_CLIENT_MSG_ID_LENGTH} characters`);
  }
  const contentType = req.contentType === '' ? DEFAULT_CONTENT_TYPE : req.contentType;
  if (!CLIENT_CONTENT_TYPES.has(contentType)) {
    throw new InvalidField('content_type', `"${contentType}" is not one of ${[...CLIENT_CONTENT_TYPES].join(', ')}`);
  }
  if (req.body.trim() === '') throw new InvalidField('body', 'is empty');
  const bytes = Buffer.byteLength(req.body, 'utf8');
  if (bytes > MAX_BODY_BYTES) {
    throw new InvalidField('body', `is ${bytes} bytes, more than the ${MAX_BODY_BYTES} allowed`, 'BODY_TOO_LARGE');
  }
  return { destination, senderId: req.senderId, clientMsgId: req.clientMsgId, contentType, body: req.body };
}
