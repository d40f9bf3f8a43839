// im-repo's writes to the message log run on a thread of their own with their own SQLite connection. A commit (its
// statements, then the fsync of the write-ahead log, several milliseconds) then blocks only that thread: the gRPC
// thread keeps taking calls meanwhile, and the writes among them join the next commit together. Reads stay on the
// gRPC thread's connection; WAL lets them run beside the writer, and a write is answered only after its commit, so
// a read made after an answer sees it.
import type { Worker } from 'node:worker_threads';
import { Unavailable } from '../../../../../lib/errors';
import { startWorker } from '../../../../../lib/worker-thread';
import { CONVERSATION_WRITES, type ConversationWrite, type ConversationWrites } from '../../../domain/messages';
import { CLOSE, errorFrom, type WriteCall, type WriterData, type WriterReply } from './protocol';

export interface WriterThreadOptions extends WriterData {
  /** Called once if the thread dies while it is wanted: nothing can be written any more. */
  onFailure(err: Error): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export class WriterThread {
  /** The log's writes, each answered by the thread once committed. */
  readonly writes: ConversationWrites;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing = false;
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly onFailure: (err: Error) => void,
  ) {
    this.writes = Object.fromEntries(
      CONVERSATION_WRITES.map((method) => [method, (...args: unknown[]) => this.call(method, args)]),
    ) as unknown as ConversationWrites;
  }

  /** Starts the thread; resolves once its database is open, rejects with the reason when it cannot be. */
  static start(options: WriterThreadOptions): Promise<WriterThread> {
    const data: WriterData = { sqlitePath: options.sqlitePath, sqliteSync: options.sqliteSync };
    const worker = startWorker(new URL('./worker.ts', import.meta.url), { workerData: data });
    return new Promise((resolve, reject) => {
      const early = (err: Error): void => reject(new Error(`im-repo writer thread did not start: ${err.message}`));
      worker.once('error', early);
      worker.once('exit', (code) => early(new Error(`exited with code ${code}`)));
      worker.once('message', (first: WriterReply) => {
        worker.removeAllListeners('error').removeAllListeners('exit');
        if (!('ready' in first) || !first.ready) {
          reject(errorFrom('error' in first ? first.error : { name: 'Error', message: 'unexpected first message' }));
          return;
        }
        resolve(new WriterThread(worker, options.onFailure).listen());
      });
    });
  }

  private listen(): this {
    this.worker.on('message', (message: WriterReply) => {
      if (!('id' in message)) return;
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(errorFrom(message.error));
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`exited with code ${code}`));
    });
    return this;
  }

  private call(method: ConversationWrite, args: unknown[]): Promise<never> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Unavailable('im-repo is shutting down'));
    const id = this.nextId++;
    const call: WriteCall = { id, method, args };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage(call);
    });
  }

  private fail(cause: Error): void {
    if (this.failure) return;
    this.failure = new Unavailable(`im-repo's writer thread stopped: ${cause.message}`, { cause });
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
    this.onFailure(this.failure);
  }

  /** Lets the calls in flight finish, then closes the thread's database and ends the thread. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // The thread closes once the calls it holds are answered.
    this.worker.postMessage(CLOSE);
    await exited;
  }
}
