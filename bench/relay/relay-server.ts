// The baseline for the message cases: a bare WebSocket relay in its own process. A client connects to
// /ws?token=<userId> (no authentication), gets `hello`, and every `send` is forwarded at once to the recipient's
// connection as a `message`, with an `ack` to the sender: the same frames the gateway uses, so the same load
// generator measures both, but no Kafka, no storage and no other process in between. The per-conversation seq
// is a counter in memory. Prints `relay listening on <port>` when it accepts connections.
//   node --import tsx bench/relay/relay-server.ts
import { WebSocketServer, type WebSocket } from 'ws';

const byUser = new Map<string, WebSocket>();
const seqs = new Map<string, number>();

interface SendFrame {
  type?: string;
  id?: string | number;
  clientMsgId?: string;
  to?: { userId?: string };
  body?: string;
  contentType?: string;
}

function relay(senderId: string, socket: WebSocket, frame: SendFrame): void {
  const recipientId = frame.to?.userId;
  if (frame.type !== 'send' || !recipientId || !frame.clientMsgId) {
    socket.send(JSON.stringify({ type: 'error', code: 'INVALID_FRAME', message: 'relay handles send to userId only' }));
    return;
  }
  const conversationId = senderId < recipientId ? `p2p:${senderId}:${recipientId}` : `p2p:${recipientId}:${senderId}`;
  const seq = (seqs.get(conversationId) ?? 0) + 1;
  seqs.set(conversationId, seq);
  const messageId = `m_${conversationId}_${seq}`;
  byUser.get(recipientId)?.send(
    JSON.stringify({
      type: 'message',
      message: {
        messageId,
        conversationId,
        conversationType: 'p2p',
        seq,
        senderId,
        clientMsgId: frame.clientMsgId,
        contentType: frame.contentType ?? 'text/plain',
        body: frame.body,
        sentAtMs: Date.now(),
      },
    }),
  );
  socket.send(
    JSON.stringify({ type: 'ack', id: frame.id, clientMsgId: frame.clientMsgId, messageId, conversationId, seq }),
  );
}

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws', perMessageDeflate: false });
server.on('connection', (socket, request) => {
  const userId = new URL(request.url ?? '/', 'http://relay').searchParams.get('token') ?? '';
  if (!userId) {
    socket.close(1008, 'token (the user id) is required');
    return;
  }
  byUser.set(userId, socket);
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
