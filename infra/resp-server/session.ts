// One client connection's state: selected database, name, a MULTI transaction being queued, and its Pub/Sub
// subscriptions (while it has any, only the subscribe family, PING, QUIT and RESET are allowed, as in Redis).
import { type ClientState, type CommandContext, type CommandSpec, type ServerState } from './commands/command';
import { connectionCommands } from './commands/connection';
import { hashCommands, setCommands } from './commands/hashes-and-sets';
import { keyCommands } from './commands/keys';
import { sortedSetCommands } from './commands/sorted-sets';
import { stringCommands } from './commands/strings';
import { CommandError } from './keyspace';
import type { Subscriber } from './pubsub';
import { reply } from './resp-protocol';

const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(
  Object.entries({
    ...connectionCommands,
    ...keyCommands,
    ...stringCommands,
    ...hashCommands,
    ...setCommands,
    ...sortedSetCommands,
  }),
);

export interface SessionReply {
  encoded: string;
  /** QUIT: send the reply, then close. */
  close?: boolean;
}

function unknownCommand(argv: readonly string[]): string {
  const args = argv
    .slice(1)
    .map((arg) => `'${arg.slice(0, 128)}' `)
    .join('');
  return reply.error(`ERR unknown command '${(argv[0] ?? '').slice(0, 128)}', with args beginning with: ${args}`);
}

function arityError(name: string): string {
  return reply.error(`ERR wrong number of arguments for '${name}' command`);
}

function arityOk(spec: CommandSpec, wordCount: number): boolean {
  return spec.arity >= 0 ? wordCount === spec.arity : wordCount >= -spec.arity;
}

const SUBSCRIBE_FAMILY = new Set(['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe']);

export class ClientSession implements ClientState, Subscriber {
  name: string | undefined;
  databaseIndex = 0;
  private queued: string[][] | undefined;
  private queueFailed = false;
  private readonly channels = new Set<string>();
  private readonly patterns = new Set<string>();

  constructor(
    readonly id: number,
    private readonly server: ServerState,
    /** Reports a bug in a handler; the client still gets an error reply and the server keeps running. */
    private readonly onInternalError: (err: unknown, argv: readonly string[]) => void,
    /** Writes a Pub/Sub message to this client's connection. */
    readonly push: (encoded: string) => void = () => undefined,
  ) {}

  private get subscriptions(): number {
    return this.channels.size + this.patterns.size;
  }

  execute(argv: readonly string[]): SessionReply {
    const name = (argv[0] ?? '').toLowerCase();
    if (name === 'quit') return { encoded: reply.ok, close: true };
    if (SUBSCRIBE_FAMILY.has(name) && !this.queued) return { encoded: this.subscribeFamily(name, argv.slice(1)) };
    if (this.subscriptions > 0) {
      if (name === 'ping') return { encoded: reply.bulkArray(['pong', argv[1] ?? '']) };
      if (name === 'reset') {
        this.unsubscribeAll();
        return { encoded: reply.status('RESET') };
      }
      return {
        encoded: reply.error(
          `ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
        ),
      };
    }
    if (name === 'multi') {
      if (argv.length !== 1) return { encoded: arityError('multi') };
      if (this.queued) return { encoded: reply.error('ERR MULTI calls can not be nested') };
      this.queued = [];
      this.queueFailed = false;
      return { encoded: reply.ok };
    }
    if (name === 'exec' || name === 'discard') {
      if (argv.length !== 1) return { encoded: arityError(name) };
      const queued = this.queued;
      if (!queued) return { encoded: reply.error(`ERR ${name.toUpperCase()} without MULTI`) };
      this.queued = undefined;
      if (name === 'discard') return { encoded: reply.ok };
      if (this.queueFailed) {
        return { encoded: reply.error('EXECABORT Transaction discarded because of previous errors.') };
      }
      // The server is single-threaded, so running the queue without yielding makes it atomic.
      return { encoded: reply.array(queued.map((queuedArgv) => this.run(queuedArgv))) };
    }
    if (this.queued) return { encoded: this.enqueue(argv) };
    return { encoded: this.run(argv) };
  }

  /** One reply per channel or pattern, each carrying the count of subscriptions left, as Redis answers. */
  private subscribeFamily(name: string, args: string[]): string {
    const hub = this.server.pubsub;
    const isPattern = name.startsWith('p');
    const mine = isPattern ? this.patterns : this.channels;
    if (name.endsWith('unsubscribe')) {
      const targets = args.length > 0 ? args : [...mine];
      if (targets.length === 0) return reply.array([reply.bulk(name), reply.nil, reply.integer(this.subscriptions)]);
      return targets
        .map((target) => {
          mine.delete(target);
          if (isPattern) hub.punsubscribe(this, target);
          else hub.unsubscribe(this, target);
          return reply.array([reply.bulk(name), reply.bulk(target), reply.integer(this.subscriptions)]);
        })
        .join('');
    }
    if (args.length === 0) return arityError(name);
    return args
      .map((target) => {
        mine.add(target);
        if (isPattern) hub.psubscribe(this, target);
        else hub.subscribe(this, target);
        return reply.array([reply.bulk(name), reply.bulk(target), reply.integer(this.subscriptions)]);
      })
      .join('');
  }

  /** Drops every subscription (RESET, or the connection closing). */
  unsubscribeAll(): void {
    for (const channel of this.channels) this.server.pubsub.unsubscribe(this, channel);
    for (const pattern of this.patterns) this.server.pubsub.punsubscribe(this, pattern);
    this.channels.clear();
    this.patterns.clear();
  }

  private enqueue(argv: readonly string[]): string {
    const spec = COMMANDS.get((argv[0] ?? '').toLowerCase());
    if (spec === undefined) {
      this.queueFailed = true;
      return unknownCommand(argv);
    }
    if (!arityOk(spec, argv.length)) {
      this.queueFailed = true;
      return arityError((argv[0] ?? '').toLowerCase());
    }
    this.queued?.push([...argv]);
    return reply.status('QUEUED');
  }

  private run(argv: readonly string[]): string {
    const name = (argv[0] ?? '').toLowerCase();
    const spec = COMMANDS.get(name);
    if (spec === undefined) return unknownCommand(argv);
    if (!arityOk(spec, argv.length)) return arityError(name);
    const db = this.server.database(this.databaseIndex);
    if (db === undefined) return reply.error('ERR DB index is out of range');
    const ctx: CommandContext = { db, client: this, server: this.server };
    try {
      return spec.run(ctx, argv.slice(1));
    } catch (err) {
      if (err instanceof CommandError) return reply.error(err.message);
      this.onInternalError(err, argv);
      return reply.error(`ERR internal error in '${name}'`);
    }
  }
}
