// Hashes and sets.
import { CommandError } from '../keyspace';
import { reply } from '../resp-protocol';
import type { CommandTable } from './command';

export const hashCommands: CommandTable = {
  hset: {
    arity: -4,
    run({ db }, args) {
      const key = args[0] as string;
      if (args.length % 2 === 0) throw new CommandError("ERR wrong number of arguments for 'hset' command");
      const hash = db.obtain(key, 'hash');
      let added = 0;
      for (let i = 1; i < args.length; i += 2) {
        const field = args[i] as string;
        if (!hash.has(field)) added += 1;
        hash.set(field, args[i + 1] as string);
      }
      return reply.integer(added);
    },
  },
  hget: { arity: 3, run: ({ db }, args) => reply.bulk(db.read(args[0] as string, 'hash')?.get(args[1] as string)) },
  hdel: {
    arity: -3,
    run({ db }, args) {
      const key = args[0] as string;
      const hash = db.read(key, 'hash');
      if (hash === undefined) return reply.integer(0);
      const removed = args.slice(1).filter((field) => hash.delete(field)).length;
      db.dropIfEmpty(key);
      return reply.integer(removed);
    },
  },
  hgetall: {
    arity: 2,
    run({ db }, args) {
      const hash = db.read(args[0] as string, 'hash');
      return reply.bulkArray(hash === undefined ? [] : [...hash].flat());
    },
  },
  hlen: { arity: 2, run: ({ db }, args) => reply.integer(db.read(args[0] as string, 'hash')?.size ?? 0) },
  hkeys: { arity: 2, run: ({ db }, args) => reply.bulkArray(db.read(args[0] as string, 'hash')?.keys() ?? []) },
};

export const setCommands: CommandTable = {
  sadd: {
    arity: -3,
    run({ db }, args) {
      const set = db.obtain(args[0] as string, 'set');
      let added = 0;
      for (const member of args.slice(1)) {
        if (!set.has(member)) {
          set.add(member);
          added += 1;
        }
      }
      return reply.integer(added);
    },
  },
  srem: {
    arity: -3,
    run({ db }, args) {
      const key = args[0] as string;
      const set = db.read(key, 'set');
      if (set === undefined) return reply.integer(0);
      const removed = args.slice(1).filter((member) => set.delete(member)).length;
      db.dropIfEmpty(key);
      return reply.integer(removed);
    },
  },
  smembers: { arity: 2, run: ({ db }, args) => reply.bulkArray(db.read(args[0] as string, 'set') ?? []) },
  scard: { arity: 2, run: ({ db }, args) => reply.integer(db.read(args[0] as string, 'set')?.size ?? 0) },
};
