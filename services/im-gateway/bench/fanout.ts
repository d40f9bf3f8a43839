// How fast one gateway process turns downstream records into WebSocket frames: N real WebSocket clients in a
// group, M messages fanned out to all of them through the real transport, timed until every client has every
// message. Kafka, im-logic and im-repo are replaced by the in-memory ports, so this measures the gateway alone.
//   node --import tsx services/im-gateway/bench/fanout.ts [clients=500] [messages=200]
import { WebSocket } from 'ws';
import { ConnectionLifecycle } from '../domain/connection-lifecycle';
import { ConnectionRegistry } from '../domain/connection-registry';
import { ConversationSync } from '../domain/conversation-sync';
import { Delivery } from '../domain/delivery';
import { UpstreamSender } from '../domain/upstream-sender';
import { MessageDownstream } from '../../../proto/gen/gochat/events/v1/events';
import { FakeEvents, FakePresence, fakeLogic } from '../testing/fakes';
import { GatewayServer } from '../transport/gateway-server';

const clients = Number(process.argv[2] ?? 500);
const messages = Number(process.argv[3] ?? 200);
const quiet = { warn: () => undefined, error: () => undefined, info: () => undefined };
const registry = new ConnectionRegistry();
const logic = fakeLogic();
const events = new FakeEvents();
const server = new GatewayServer({
  host: '127.0.0.1',
  port: 0,
  gatewayId: 'gw-bench',
  logic,
  lifecycle: new ConnectionLifecycle({
    gatewayId: 'gw-bench',
    presenceTtlMs: 60_000,
    registry,
    presence: new FakePresence(),
    events,
    clock: { now: () => Date.now() },
    log: quiet,
  }),
  registry,
  sender: new UpstreamSender('gw-bench', events),
  sync: new ConversationSync(logic, registry),
  pingIntervalMs: 60_000,
  log: quiet,
});
const base = await server.listen();
const delivery = new Delivery('gw-bench', registry);

const userIds = Array.from({ length: clients }, (_, i) => `u${i}`);
let received = 0;
const total = clients * messages;
let allReceived!: () => void;
const done = new Promise<void>((resolve) => (allReceived = resolve));
const sockets = await Promise.all(
  userIds.map(
    (userId) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`ws://${base}/ws?token=token-${userId}`);
        ws.once('error', reject);
        ws.on('message', (data) => {
          if (String(data).startsWith('{"type":"hello"')) return resolve(ws);
          if (++received === total) allReceived();
        });
      }),
  ),
);

const body = 'x'.repeat(200);
const started = performance.now();
for (let seq = 1; seq <= messages; seq++) {
  delivery.onDownstream(
    MessageDownstream.fromPartial({
      originGatewayId: 'gw-other',
      recipientIds: userIds,
      message: { messageId: `m${seq}`, conversationId: 'group:bench', seq, senderId: 'u-elsewhere', body },
    }),
  );
  // One downstream record at a time, as the consumer hands them over.
  await new Promise((resolve) => setImmediate(resolve));
}
await done;
const seconds = (performance.now() - started) / 1000;
console.log(
  `fan-out: ${messages} messages x ${clients} clients = ${total} frames in ${seconds.toFixed(2)} s ` +
    `(${Math.round(total / seconds)} frames/s, ${Math.round(messages / seconds)} group messages/s)`,
);
for (const ws of sockets) ws.terminate();
await server.close();
