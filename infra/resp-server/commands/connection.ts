// Connection and server commands a Redis client sends on its own: PING, ECHO, SELECT, INFO, CLIENT, CONFIG GET.
import { compileGlob } from '../glob';
import { CommandError } from '../keyspace';
import { reply } from '../resp-protocol';
import { parseInteger, type CommandContext, type CommandTable } from './command';

/** Reported as the server's version so clients enable the Redis 7 command forms we serve. */
const REDIS_VERSION = '7.0.0';

function info({ server }: CommandContext): string {
  const databases: string[] = [];
  for (let index = 0; index < server.databaseCount; index += 1) {
    const size = server.database(index)?.size ?? 0;
    if (size > 0) databases.push(`db${index}:keys=${size},expires=0,avg_ttl=0`);
  }
  const memory = process.memoryUsage();
  const lines = [
    '# Server',
    `redis_version:${REDIS_VERSION}`,
    'redis_mode:standalone',
    'gochat_embedded:1',
    `process_id:${process.pid}`,
    `tcp_port:${server.port()}`,
    `uptime_in_seconds:${Math.floor((Date.now() - server.startedAtMs) / 1000)}`,
    '',
    '# Clients',
    `connected_clients:${server.connectedClients()}`,
    '',
    '# Memory',
    `used_memory:${memory.heapUsed}`,
    '',
    '# Persistence',
    'loading:0',
    '',
    '# Replication',
    'role:master',
    'connected_slaves:0',
    '',
    '# Keyspace',
    ...databases,
  ];
  return reply.bulk(lines.join('\r\n') + '\r\n');
}

function clientCommand({ client }: CommandContext, args: string[]): string {
  const sub = (args[0] as string).toUpperCase();
  switch (sub) {
    case 'SETNAME': {
      const name = args[1];
      if (name === undefined || args.length !== 2) {
        throw new CommandError("ERR wrong number of arguments for 'client|setname' command");
      }
      if (/[^\x21-\x7e]/.test(name)) {
        throw new CommandError('ERR Client names cannot contain spaces, newlines or special characters.');
      }
      client.name = name === '' ? undefined : name;
      return reply.ok;
    }
    case 'GETNAME':
      return reply.bulk(client.name ?? null);
    case 'SETINFO':
      return reply.ok;
    case 'ID':
      return reply.integer(client.id);
    default:
      throw new CommandError(`ERR unknown subcommand '${args[0] ?? ''}'. Try CLIENT HELP.`);
  }
}

/** What CONFIG GET reports: the settings tools ask about in their handshakes, fixed for this embedded server. */
function configValues({ server }: CommandContext): Array<[string, string]> {
  return [
    ['appendonly', 'no'],
    ['save', ''],
    ['databases', String(server.databaseCount)],
    ['maxmemory', '0'],
    ['maxmemory-policy', 'noeviction'],
    ['maxclients', '10000'],
    ['timeout', '0'],
    ['port', String(server.port())],
    ['notify-keyspace-events', ''],
    ['cluster-enabled', 'no'],
  ];
}

function configCommand(ctx: CommandContext, args: string[]): string {
  const sub = (args[0] as string).toUpperCase();
  if (sub === 'GET') {
    if (args.length < 2) throw new CommandError("ERR wrong number of arguments for 'config|get' command");
    const patterns = args.slice(1).map((p) => compileGlob(p.toLowerCase()));
    const pairs = configValues(ctx).filter(([name]) => patterns.some((re) => re.test(name)));
    return reply.bulkArray(pairs.flat());
  }
  if (sub === 'RESETSTAT') return reply.ok;
  if (sub === 'SET' || sub === 'REWRITE') {
    throw new CommandError(`ERR CONFIG ${sub} is not supported by the embedded server: its settings are fixed`);
  }
  throw new CommandError(`ERR unknown subcommand '${args[0] ?? ''}'. Try CONFIG HELP.`);
}

export const connectionCommands: CommandTable = {
  ping: {
    arity: -1,
    run(_ctx, args) {
      if (args.length > 1) throw new CommandError("ERR wrong number of arguments for 'ping' command");
      return args[0] === undefined ? reply.status('PONG') : reply.bulk(args[0]);
    },
  },
  echo: { arity: 2, run: (_ctx, args) => reply.bulk(args[0] as string) },
  select: {
    arity: 2,
    run({ client, server }, args) {
      const index = parseInteger(args[0] as string);
      if (index < 0 || index >= server.databaseCount) throw new CommandError('ERR DB index is out of range');
      client.databaseIndex = index;
      return reply.ok;
    },
  },
  info: { arity: -1, run: (ctx) => info(ctx) },
  client: { arity: -2, run: clientCommand },
  config: { arity: -2, run: configCommand },
  publish: {
    arity: 3,
    run: ({ server }, args) => reply.integer(server.pubsub.publish(args[0] as string, args[1] as string)),
  },
  pubsub: { arity: -2, run: pubsubIntrospection },
};

/** PUBSUB CHANNELS [pattern] / NUMSUB [channel...] / NUMPAT. */
function pubsubIntrospection({ server }: CommandContext, args: string[]): string {
  const sub = (args[0] as string).toUpperCase();
  if (sub === 'CHANNELS') return reply.bulkArray(server.pubsub.activeChannels(args[1]));
  if (sub === 'NUMSUB') {
    return reply.array(args.slice(1).flatMap((c) => [reply.bulk(c), reply.integer(server.pubsub.subscriberCount(c))]));
  }
  if (sub === 'NUMPAT') return reply.integer(server.pubsub.patternCount);
  throw new CommandError(`ERR unknown subcommand '${args[0] ?? ''}'. Try PUBSUB HELP.`);
}
