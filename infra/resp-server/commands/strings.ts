// String values: GET and SET with its expiry and condition options; INCR/INCRBY/DECR/DECRBY on 64-bit integers.
import { CommandError } from '../keyspace';
import { reply } from '../resp-protocol';
import { NOT_AN_INTEGER, parseInteger, SYNTAX_ERROR, type CommandContext, type CommandTable } from './command';

interface SetOptions {
  expiresAtMs?: number;
  keepTtl: boolean;
  condition?: 'NX' | 'XX';
  returnOld: boolean;
}

function parseSetOptions(words: readonly string[]): SetOptions {
  const options: SetOptions = { keepTtl: false, returnOld: false };
  let expirySeen = false;
  for (let i = 0; i < words.length; i += 1) {
    const word = (words[i] as string).toUpperCase();
    if (word === 'NX' || word === 'XX') {
      if (options.condition !== undefined && options.condition !== word) throw new CommandError(SYNTAX_ERROR);
      options.condition = word;
    } else if (word === 'GET') {
      options.returnOld = true;
    } else if (word === 'KEEPTTL') {
      if (expirySeen) throw new CommandError(SYNTAX_ERROR);
      options.keepTtl = true;
    } else if (word === 'EX' || word === 'PX' || word === 'EXAT' || word === 'PXAT') {
      const amountText = words[i + 1];
      if (expirySeen || options.keepTtl || amountText === undefined) throw new CommandError(SYNTAX_ERROR);
      const amount = parseInteger(amountText);
      if (amount <= 0) throw new CommandError("ERR invalid expire time in 'set' command");
      const atMs =
        word === 'EX'
          ? Date.now() + amount * 1000
          : word === 'PX'
            ? Date.now() + amount
            : word === 'EXAT'
              ? amount * 1000
              : amount;
      if (!Number.isSafeInteger(atMs)) throw new CommandError("ERR invalid expire time in 'set' command");
      options.expiresAtMs = atMs;
      expirySeen = true;
      i += 1;
    } else {
      throw new CommandError(SYNTAX_ERROR);
    }
  }
  return options;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A signed 64-bit integer written as Redis writes one (no sign on zero, no leading zeros, no spaces). */
function parseInt64(text: string): bigint {
  if (!/^(0|-?[1-9]\d{0,18})$/.test(text)) throw new CommandError(NOT_AN_INTEGER);
  const value = BigInt(text);
  if (value < INT64_MIN || value > INT64_MAX) throw new CommandError(NOT_AN_INTEGER);
  return value;
}

/** Adds `delta` to the integer at `key` (0 when absent), keeping its TTL, as Redis's INCRBY does. */
function incrementBy({ db }: CommandContext, key: string, delta: bigint): string {
  const current = db.read(key, 'string');
  const next = (current === undefined ? 0n : parseInt64(current)) + delta;
  if (next < INT64_MIN || next > INT64_MAX) throw new CommandError('ERR increment or decrement would overflow');
  db.put(key, { type: 'string', data: next.toString() }, true);
  return `:${next.toString()}\r\n`;
}

export const stringCommands: CommandTable = {
  incr: { arity: 2, run: (ctx, args) => incrementBy(ctx, args[0] as string, 1n) },
  decr: { arity: 2, run: (ctx, args) => incrementBy(ctx, args[0] as string, -1n) },
  incrby: { arity: 3, run: (ctx, args) => incrementBy(ctx, args[0] as string, parseInt64(args[1] as string)) },
  decrby: { arity: 3, run: (ctx, args) => incrementBy(ctx, args[0] as string, -parseInt64(args[1] as string)) },
  get: { arity: 2, run: ({ db }, args) => reply.bulk(db.read(args[0] as string, 'string')) },
  set: {
    arity: -3,
    run({ db }, args) {
      const [key, value] = args as [string, string];
      const options = parseSetOptions(args.slice(2));
      const old = options.returnOld ? db.read(key, 'string') : undefined;
      const exists = db.has(key);
      if ((options.condition === 'NX' && exists) || (options.condition === 'XX' && !exists)) {
        return options.returnOld ? reply.bulk(old) : reply.nil;
      }
      db.put(key, { type: 'string', data: value }, options.keepTtl);
      if (options.expiresAtMs !== undefined) db.expireAt(key, options.expiresAtMs);
      return options.returnOld ? reply.bulk(old) : reply.ok;
    },
  },
};
