// The baseline for the message cases: a bare WebSocket relay in its own process. A client connects to
// /ws?token=<userId>[&groups=<id>,<id>] (no authentication, the groups it is a member of), gets `hello`, and every
// `send` is forwarded at once as a `message` to the recipient's connection (to.userId) or to every other member
// connected (to.groupId), with an `ack` to the sender: the same frames the gateway uses, so the same load
// generator measures both, but no Kafka, no storage and no other process in between. The per-conversation seq
// is a counter in memory. Prints `relay listening on <port>` when it accepts connections.
//   node --import tsx bench/relay/relay-server.ts
import { WebSocketServer, type WebSocket } from 'ws';

const byUser = new Map<string, WebSocket>();
const groupMembers = new Map<string, Set<string>>();
const seqs = new Map<string, number>();

interface SendFrame {
  type?: string;
  id?: string | number;
  clientMsgId?: string;
  to?: { userId?: string; groupId?: string };
  body?: string;
  contentType?: string;
}

function relay(senderId: string, socket: WebSocket, frame: SendFrame): void {
  const recipientId = frame.to?.userId;
  const groupId = frame.to?.groupId;
  if (frame.type !== 'send' || (!recipientId && !groupId) || !frame.clientMsgId) {
    socket.send(JSON.stringify({ type: 'error', code: 'INVALID_FRAME', message: 'relay handles send frames only' }));
    return;
  }
  const conversationId = groupId
    ? `group:${groupId}`
    : senderId < recipientId!
      ? `p2p:${senderId}:${recipientId}`
      : `p2p:${recipientId}:${senderId}`;
  const recipients = groupId
    ? [...(groupMembers.get(groupId) ?? [])].filter((member) => member !== senderId)
    : [recipientId!];
  const seq = (seqs.get(conversationId) ?? 0) + 1;
  seqs.set(conversationId, seq);
  const messageId = `m_${conversationId}_${seq}`;
  // Serialized once for every recipient, as a gateway pushing one stored message does.
  const push = JSON.stringify({
    type: 'message',
    message: {
      messageId,
      conversationId,
      conversationType: groupId ? 'group' : 'p2p',
      seq,
      senderId,
      clientMsgId: frame.clientMsgId,
      contentType: frame.contentType ?? 'text/plain',
      body: frame.body,
      sentAtMs: Date.now(),
    },
  });
  for (const recipient of recipients) byUser.get(recipient)?.send(push);
  socket.send(
    JSON.stringify({ type: 'ack', id: frame.id, clientMsgId: frame.clientMsgId, messageId, conversationId, seq }),
  );
}

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws', perMessageDeflate: false });
server.on('connection', (socket, request) => {
  const query = new URL(request.url ?? '/', 'http://relay').searchParams;
  const userId = query.get('token') ?? '';
  if (!userId) {
    socket.close(1008, 'token (the user id) is required');
    return;
  }
  byUser.set(userId, socket);
  for (const groupId of (query.get('groups') ?? '').split(',').filter(Boolean)) {
    const members = groupMembers.get(groupId) ?? new Set<string>();
    members.add(userId);
    groupMembers.set(groupId, members);
  }
  socket.on('message', (data) => relay(userId, socket, JSON.parse(String(data)) as SendFrame));
  socket.on('close', () => {
    if (byUser.get(userId) === socket) byUser.delete(userId);
  });
  socket.send(JSON.stringify({ type: 'hello', userId, connId: `relay.${userId}`, gatewayId: 'relay' }));
});
server.on('listening', () => {
  const address = server.address();
  process.stdout.write(`relay listening on ${typeof address === 'object' && address ? address.port : address}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
// Started by the bench with a pipe on stdin: when the bench goes away, so does the relay.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
