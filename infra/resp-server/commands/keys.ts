// Commands on keys whatever their type: existence, deletion, expiry, listing and iteration.
import { compileGlob } from '../glob';
import { CommandError, type Keyspace } from '../keyspace';
import { reply } from '../resp-protocol';
import { isOption, parseInteger, SYNTAX_ERROR, type CommandContext, type CommandTable } from './command';

type ExpiryCondition = 'NX' | 'XX' | 'GT' | 'LT' | undefined;

function parseExpiryCondition(args: readonly string[]): ExpiryCondition {
  let condition: ExpiryCondition;
  for (const word of args) {
    const upper = word.toUpperCase();
    if (upper !== 'NX' && upper !== 'XX' && upper !== 'GT' && upper !== 'LT') {
      throw new CommandError(`ERR Unsupported option ${word}`);
    }
    if (condition !== undefined && condition !== upper) {
      throw new CommandError('ERR NX and XX, GT or LT options at the same time are not compatible');
    }
    condition = upper;
  }
  return condition;
}

function expireCommand(unitMs: number, name: string) {
  return {
    arity: -3,
    run({ db }: CommandContext, args: string[]): string {
      const [key, amountText] = args as [string, string];
      const amount = parseInteger(amountText);
      const condition = parseExpiryCondition(args.slice(2));
      const atMs = Date.now() + amount * unitMs;
      if (!Number.isSafeInteger(atMs)) throw new CommandError(`ERR invalid expire time in '${name}' command`);
      if (!db.has(key)) return reply.integer(0);
      const current = db.expiryOf(key);
      // A key without expiry counts as an infinite TTL for GT/LT, as in Redis.
      const allowed =
        condition === undefined ||
        (condition === 'NX' && current === undefined) ||
        (condition === 'XX' && current !== undefined) ||
        (condition === 'GT' && current !== undefined && atMs > current) ||
        (condition === 'LT' && (current === undefined || atMs < current));
      if (!allowed) return reply.integer(0);
      db.expireAt(key, atMs);
      return reply.integer(1);
    },
  };
}

function ttlCommand(inMs: boolean) {
  return {
    arity: 2,
    run({ db }: CommandContext, args: string[]): string {
      const key = args[0] as string;
      if (!db.has(key)) return reply.integer(-2);
      const atMs = db.expiryOf(key);
      if (atMs === undefined) return reply.integer(-1);
      const leftMs = Math.max(0, atMs - Date.now());
      return reply.integer(inMs ? leftMs : Math.floor((leftMs + 500) / 1000));
    },
  };
}

function scanCommand(db: Keyspace, args: string[]): string {
  const cursor = parseInteger(args[0] as string, 'ERR invalid cursor');
  if (cursor < 0) throw new CommandError('ERR invalid cursor');
  let count = 10;
  let match: RegExp | undefined;
  let type: string | undefined;
  for (let i = 1; i < args.length; i += 2) {
    const option = args[i] as string;
    const value = args[i + 1];
    if (value === undefined) throw new CommandError(SYNTAX_ERROR);
    if (isOption(option, 'COUNT')) {
      count = parseInteger(value);
      if (count < 1) throw new CommandError(SYNTAX_ERROR);
    } else if (isOption(option, 'MATCH')) {
      match = compileGlob(value);
    } else if (isOption(option, 'TYPE')) {
      type = value.toLowerCase();
    } else {
      throw new CommandError(SYNTAX_ERROR);
    }
  }
  const page = db.scan(cursor, count);
  const keys = page.keys.filter(
    (key) => (match === undefined || match.test(key)) && (type === undefined || db.get(key)?.type === type),
  );
  return reply.array([reply.bulk(String(page.next)), reply.bulkArray(keys)]);
}

export const keyCommands: CommandTable = {
  del: {
    arity: -2,
    run: ({ db }, args) => reply.integer(args.filter((key) => db.delete(key)).length),
  },
  exists: {
    arity: -2,
    run: ({ db }, args) => reply.integer(args.filter((key) => db.has(key)).length),
  },
  expire: expireCommand(1000, 'expire'),
  pexpire: expireCommand(1, 'pexpire'),
  ttl: ttlCommand(false),
  pttl: ttlCommand(true),
  keys: {
    arity: 2,
    run({ db }, args) {
      const pattern = compileGlob(args[0] as string);
      return reply.bulkArray([...db.liveKeys()].filter((key) => pattern.test(key)));
    },
  },
  scan: { arity: -2, run: ({ db }, args) => scanCommand(db, args) },
  dbsize: { arity: 1, run: ({ db }) => reply.integer(db.size) },
  flushdb: {
    arity: -1,
    run({ db }, args) {
      if (args.length > 1 || (args[0] !== undefined && !isOption(args[0], 'ASYNC') && !isOption(args[0], 'SYNC'))) {
        throw new CommandError(SYNTAX_ERROR);
      }
      db.flush();
      return reply.ok;
    },
  },
};
