// A chat load generator: a child process of the bench that holds the WebSockets of some pairs and runs the
// phases the bench asks for, answering over IPC. Run only through bench/load/generator-process.ts.
import { ChatSession } from './chat-session';
import type { FromGenerator, ToGenerator } from './protocol';

if (!process.send) {
  console.error('chat-load.ts is started by the bench over IPC (bench/load/generator-process.ts)');
  process.exit(2);
}

const session = new ChatSession();
const reply = (message: FromGenerator): void => {
  process.send?.(message);
};

async function handle(message: ToGenerator): Promise<void> {
  switch (message.type) {
    case 'connect': {
      const started = Date.now();
      const connections = await session.connect(message.name, message.users, message.routes, message.bodyBytes);
      reply({ type: 'connected', connections, elapsedMs: Date.now() - started });
      return;
    }
    case 'run': {
      const result = await session.run(message.label, message.phase, (counts) =>
        reply({
          type: 'progress',
          label: message.label,
          sent: counts.sent,
          acked: counts.acked,
          delivered: counts.delivered,
        }),
      );
      reply({ type: 'result', result });
      return;
    }
    case 'close':
      session.close();
      process.disconnect();
      return;
  }
}

process.on('message', (message: ToGenerator) => {
  handle(message).catch((err: unknown) => reply({ type: 'failed', message: (err as Error).message }));
});
// The bench going away (crash, Ctrl-C) must not leave generators behind.
process.on('disconnect', () => process.exit(0));
