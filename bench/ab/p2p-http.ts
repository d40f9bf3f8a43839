// A before/after instrument: one-to-one load against ANY running gateway, set up only through the client protocol
// (register, login, befriend over HTTP; WebSockets for sending), so it also measures commits that predate the
// bench's bulk seeding. `gochat bench` is the instrument for the current tree; this is for comparing it with an
// older one side by side (docs/performance.md shows how).
//   npx tsx bench/ab/p2p-http.ts <gateway http url> [--pairs 20] [--window 20] [--seconds 8] [--rate R]
// Each of N senders keeps W sends in flight (or, with --rate, the senders together offer R msgs/s, round robin);
// prints one JSON line: sent, acked, delivered, errors, msgs/s and the latency from send to the recipient's
// receive (p50 / p99 / max, ms).
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    pairs: { type: 'string', default: '20' },
    window: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '8' },
    rate: { type: 'string', default: '0' },
  },
});
const base = positionals[0] ?? '';
if (!base.startsWith('http')) {
  console.error('usage: p2p-http.ts <gateway http url> [--pairs N] [--window W] [--seconds S]');
  process.exit(2);
}
const pairs = Number(values.pairs);
const window = Number(values.window);
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const run = Math.random().toString(36).slice(2, 7);

async function api(path: string, body?: object, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(base + path, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function user(name: string): Promise<{ id: string; token: string }> {
  const registered = (await api('/api/register', { username: name, password: 'password123' })) as {
    user: { userId: string };
  };
  const { token } = (await api('/api/login', { username: name, password: 'password123' })) as { token: string };
  return { id: registered.user.userId, token };
}

function connect(token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws?token=${token}`);
    ws.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === 'hello') resolve(ws);
    });
    ws.on('error', reject);
  });
}

const latencies: number[] = [];
let sent = 0;
let acked = 0;
let delivered = 0;
let errors = 0;
let stopping = false;
const body = 'x'.repeat(100);
const started: Array<() => void> = [];
const senders: Array<() => void> = [];
for (let i = 0; i < pairs; i++) {
  const [a, b] = await Promise.all([user(`ab${run}s${i}`), user(`ab${run}r${i}`)]);
  // Friendship needs consent: b asking a back is b's consent.
  await api('/api/friends', { userId: b.id }, a.token);
  await api('/api/friends', { userId: a.id }, b.token);
  const [sender, recipient] = await Promise.all([connect(a.token), connect(b.token)]);
  let inFlight = 0;
  let n = 0;
  const sendOne = (): void => {
    sender.send(
      JSON.stringify({
        type: 'send',
        clientMsgId: `c${i}-${n++}`,
        to: { userId: b.id },
        body: `${performance.now()} ${body}`,
      }),
    );
    inFlight += 1;
    sent += 1;
  };
  sender.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string };
    if (frame.type !== 'ack' && frame.type !== 'error') return;
    if (frame.type === 'ack') acked += 1;
    else errors += 1;
    inFlight -= 1;
    while (!stopping && rate === 0 && inFlight < window) sendOne();
  });
  recipient.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; message?: { body: string } };
    if (frame.type !== 'message' || !frame.message) return;
    delivered += 1;
    latencies.push(performance.now() - parseFloat(frame.message.body));
  });
  senders.push(sendOne);
  started.push(() => {
    for (let k = 0; k < window; k++) sendOne();
  });
}
const t0 = performance.now();
console.error('load: started'); // set-up (registration, login, friendships) is done: what follows is the load
if (rate > 0) {
  // Fixed offered load: every millisecond, the sends due by now, taken from the senders in turn.
  let due = 0;
  let next = 0;
  const ticker = setInterval(() => {
    const target = Math.floor(((performance.now() - t0) / 1000) * rate);
    for (; due < target && !stopping; due++) (senders[next++ % senders.length] as () => void)();
  }, 1);
  setTimeout(() => clearInterval(ticker), seconds * 1000);
} else for (const start of started) start();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
stopping = true;
const elapsed = (performance.now() - t0) / 1000;
await new Promise((resolve) => setTimeout(resolve, 2000)); // answers to what is still in flight
latencies.sort((x, y) => x - y);
const at = (q: number) =>
  Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? NaN);
console.log(
  JSON.stringify({
    pairs,
    window,
    seconds,
    sent,
    acked,
    delivered,
    errors,
    ackedPerSecond: Math.round(acked / elapsed),
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
  }),
);
process.exit(0);
