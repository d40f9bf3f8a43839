// String values: GET and SET with its expiry and condition options.
import { CommandError } from '../keyspace';
import { reply } from '../resp-protocol';
import { parseInteger, SYNTAX_ERROR, type CommandTable } from './command';

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

export const stringCommands: CommandTable = {
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
