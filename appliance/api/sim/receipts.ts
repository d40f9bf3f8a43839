// Per-message receipts for the sender's panel: when the ack came, which members a simulated client saw receive the
// message, and which members read it (message.receipt.updated). A group message counts as read only once every
// other member read it: "read" after the first reader would tell a QA engineer something that is not true.
import type { SimConversation, SimMessage } from './views';

/** Records that receiverId got the message; true when that is new. */
export function noteDelivered(message: SimMessage, receiverId: string, atMs: number): boolean {
  const deliveredTo = (message.deliveredTo ??= {});
  if (deliveredTo[receiverId] !== undefined) return false;
  deliveredTo[receiverId] = atMs;
  if (message.status === 'sent') message.status = 'delivered';
  return true;
}

/** Records a reader's pointer in the conversation and on each of the sender's messages it covers. */
export function noteReader(conversation: SimConversation, readerId: string, readSeq: number, atMs: number): void {
  const known = conversation.readers[readerId];
  if (!known || known.readSeq < readSeq) conversation.readers[readerId] = { readSeq, atMs };
  conversation.peerReadSeq = Math.max(conversation.peerReadSeq, readSeq);
}

/** Applies every known reader to the sender's message (after an ack, or after a receipt). */
export function applyReaders(conversation: SimConversation, message: SimMessage): void {
  if (message.seq <= 0 || message.status === 'failed') return;
  for (const [readerId, { readSeq, atMs }] of Object.entries(conversation.readers)) {
    if (readerId === message.senderId || readSeq < message.seq) continue;
    const readBy = (message.readBy ??= {});
    readBy[readerId] ??= atMs;
    // Reading implies it arrived, also at a member no simulated client watches.
    noteDelivered(message, readerId, atMs);
  }
  const readers = Object.keys(message.readBy ?? {}).length;
  if (readers > 0 && readers >= (message.recipients ?? 1)) message.status = 'read';
}
