// An idle-connection load generator: a child process of the bench that opens authenticated WebSockets (waiting
// for each one's `hello`), holds them without sending, and closes them when told. Several run side by side so
// that no one process needs more file descriptors than its limit allows. Driven over IPC by
// bench/load/idle-process.ts.
import WebSocket from 'ws';

export type ToIdleLoad = { type: 'open'; urls: string[]; concurrency: number } | { type: 'close' };
export type FromIdleLoad =
  | { type: 'progress'; opened: number; failed: number }
  | { type: 'opened'; opened: number; retried: number; failures: Record<string, number>; elapsedMs: number };

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

/** Opens the URLs, `concurrency` at a time; returns the ones that failed, with the reason of each. */
async function openPass(
  urls: string[],
  concurrency: number,
  tally: { opened: number; failed: number },
): Promise<{ url: string; reason: string }[]> {
  const failed: { url: string; reason: string }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < urls.length) {
      const url = urls[next++] as string;
      try {
        await openOne(url);
        tally.opened += 1;
      } catch (err) {
        tally.failed += 1;
        // Grouped by message (EMFILE, ECONNRESET, timeouts): the reason the target was not reached.
        failed.push({ url, reason: (err as Error).message.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, '<address>') });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
  return failed;
}

async function openAll(urls: string[], concurrency: number): Promise<void> {
  const started = Date.now();
  const tally = { opened: 0, failed: 0 };
  const ticker = setInterval(() => process.send?.({ type: 'progress', ...tally } satisfies FromIdleLoad), 1000);
  // A connection refused or timed out in the storm is tried once more, gently, as a client would reconnect.
  const firstFailures = await openPass(urls, concurrency, tally);
  tally.failed = 0;
  const lastFailures = await openPass(
    firstFailures.map((f) => f.url),
    Math.max(1, Math.floor(concurrency / 5)),
    tally,
  );
  clearInterval(ticker);
  const failures: Record<string, number> = {};
  for (const { reason } of lastFailures) failures[reason] = (failures[reason] ?? 0) + 1;
  process.send?.({
    type: 'opened',
    opened: tally.opened,
    retried: firstFailures.length,
    failures,
    elapsedMs: Date.now() - started,
  } satisfies FromIdleLoad);
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
