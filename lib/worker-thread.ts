// Starting a worker thread from a TypeScript module. The services run under tsx, and its hooks do not reach a
// worker through `--import tsx` on Node 20 (the worker fails with "Unknown file extension .ts"), so a .ts entry is
// started by a two-line bootstrap that registers tsx in the worker and then imports the entry. A .js entry (a
// compiled build) is started as it is.
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })` +
    // An entry that fails to load fails the worker as an uncaught error would, with the entry's own message.
    `.catch((err) => { process.nextTick(() => { throw err; }); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
