// An idle-connection load generator: a child process of the bench that opens authenticated WebSockets (waiting
// for each one's `hello`), holds them without sending, and closes them when told. Several run side by side so
// that no one process needs more file descriptors than its limit allows. Driven over IPC by
// bench/load/idle-process.ts.
import WebSocket from 'ws';

export type ToIdleLoad = { type: 'open'; urls: string[]; concurrency: number } | { type: 'close' };
export type FromIdleLoad =
  | { type: 'progress'; opened: number; failed: number }
  | { type: 'opened'; opened: number; failures: Record<string, number>; elapsedMs: number };

const HELLO_TIMEOUT_MS = 30_000;
const sockets: WebSocket[] = [];

function openOne(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no hello within ${HELLO_TIMEOUT_MS / 1000} s`));
    }, HELLO_TIMEOUT_MS);
    socket.once('message', () => {
      clearTimeout(timer);
      sockets.push(socket);
      resolve();
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      reject(new Error(`HTTP ${response.statusCode} on upgrade`));
    });
  });
}

async function openAll(urls: string[], concurrency: number): Promise<void> {
  const started = Date.now();
  const failures: Record<string, number> = {};
  let opened = 0;
  let failed = 0;
  let next = 0;
  const ticker = setInterval(() => process.send?.({ type: 'progress', opened, failed } satisfies FromIdleLoad), 1000);
  const worker = async (): Promise<void> => {
    while (next < urls.length) {
      try {
        await openOne(urls[next++] as string);
        opened += 1;
      } catch (err) {
        failed += 1;
        // Grouped by message (EMFILE, ECONNRESET, timeouts): the reason the target was not reached.
        const reason = (err as Error).message.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, '<address>');
        failures[reason] = (failures[reason] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
  clearInterval(ticker);
  process.send?.({ type: 'opened', opened, failures, elapsedMs: Date.now() - started } satisfies FromIdleLoad);
}

if (!process.send) {
  console.error('idle-load.ts is started by the bench over IPC (bench/load/idle-process.ts)');
  process.exit(2);
}
process.on('message', (message: ToIdleLoad) => {
  if (message.type === 'open') void openAll(message.urls, message.concurrency);
  else {
    for (const socket of sockets) socket.terminate();
    process.disconnect();
  }
});
process.on('disconnect', () => process.exit(0));
