// What one gRPC unary call costs this machine in CPU, at a trickle and at saturation: a bare echo service in a child
// process, called one at a time at a fixed rate, then with 20 calls in flight. CPU is read from
// /proc/<pid>/schedstat (the scheduler's own run time, not tick samples). On the 2-core machines of
// docs/performance.md a call at 50/s costs the server about ten times what it costs at saturation: the cost of
// waking a process is most of it, which is why the appliance's CPU per message falls as batches grow.
//   npx tsx bench/ab/grpc-wakeup.ts [--seconds 5]
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';

const identity = (b: Buffer): Buffer => b;
const service: grpc.ServiceDefinition = {
  echo: {
    path: '/bench.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

if (process.argv[2] === '--serve') {
  const server = new grpc.Server();
  server.addService(service, {
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => done(null, call.request),
  });
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) throw err;
    process.send?.(port);
  });
} else {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
  const seconds = Number(values.seconds);
  const child = fork(process.argv[1] as string, ['--serve'], { execArgv: process.execArgv });
  try {
    const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(p as number)));
    const Client = grpc.makeGenericClientConstructor(service, 'Echo');
    const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const body = Buffer.alloc(300, 1);
    const { echo: call } = client as unknown as { echo(b: Buffer, done: (err: Error | null) => void): void };
    const echo = () =>
      new Promise<void>((resolve, reject) => call.call(client, body, (err) => (err ? reject(err) : resolve())));
    const runNs = (pid: number | string) => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    for (let i = 0; i < 200; i++) await echo(); // warm up
    for (const rate of [50, 250, 0]) {
      const server0 = runNs(child.pid as number);
      const client0 = runNs('self');
      const t0 = performance.now();
      let calls = 0;
      while (performance.now() - t0 < seconds * 1000) {
        if (rate > 0) {
          await echo();
          calls += 1;
          await new Promise((resolve) => setTimeout(resolve, 1000 / rate));
        } else {
          await Promise.all(Array.from({ length: 20 }, echo));
          calls += 20;
        }
      }
      const elapsed = (performance.now() - t0) / 1000;
      const perCall = (ns: number) => (ns / 1000 / calls).toFixed(0);
      console.log(
        `${rate > 0 ? `one at a time, ${rate}/s asked` : '20 in flight'}: ${(calls / elapsed).toFixed(0)} calls/s; ` +
          `CPU per call: server ${perCall(runNs(child.pid as number) - server0)} us, ` +
          `client ${perCall(runNs('self') - client0)} us (with its timer)`,
      );
    }
    client.close();
  } finally {
    child.kill();
  }
}
