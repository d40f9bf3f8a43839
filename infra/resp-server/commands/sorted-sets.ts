// Sorted sets: ZADD with its flags, rank and score ranges, removal by score.
import { CommandError } from '../keyspace';
import { reply } from '../resp-protocol';
import type { ScoreBound, ScoredMember, SortedSet } from '../sorted-set';
import { formatDouble, isOption, parseDouble, parseInteger, SYNTAX_ERROR, type CommandTable } from './command';

const BOUND_ERROR = 'ERR min or max is not a float';

function parseBound(text: string): ScoreBound {
  const exclusive = text.startsWith('(');
  return { value: parseDouble(exclusive ? text.slice(1) : text, BOUND_ERROR), exclusive };
}

function encodeMembers(entries: readonly ScoredMember[], withScores: boolean): string {
  if (!withScores) return reply.bulkArray(entries.map((entry) => entry.member));
  return reply.bulkArray(entries.flatMap((entry) => [entry.member, formatDouble(entry.score)]));
}

interface ZaddFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

function parseZaddFlags(args: readonly string[]): { flags: ZaddFlags; firstPair: number } {
  const flags: ZaddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: false };
  let i = 1;
  for (; i < args.length; i += 1) {
    const word = (args[i] as string).toLowerCase();
    if (!(word in flags)) break;
    flags[word as keyof ZaddFlags] = true;
  }
  if (flags.nx && flags.xx) throw new CommandError('ERR XX and NX options at the same time are not compatible');
  if ((flags.gt && flags.lt) || ((flags.gt || flags.lt) && flags.nx)) {
    throw new CommandError('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  const pairWords = args.length - i;
  if (pairWords === 0 || pairWords % 2 !== 0) throw new CommandError(SYNTAX_ERROR);
  if (flags.incr && pairWords !== 2) {
    throw new CommandError('ERR INCR option supports a single increment-element pair');
  }
  return { flags, firstPair: i };
}

function zadd(zset: SortedSet, flags: ZaddFlags, pairs: Array<[number, string]>): string {
  let added = 0;
  let changed = 0;
  let incrResult: number | undefined;
  for (const [givenScore, member] of pairs) {
    const current = zset.score(member);
    if ((flags.nx && current !== undefined) || (flags.xx && current === undefined)) continue;
    const score = flags.incr ? (current ?? 0) + givenScore : givenScore;
    if (Number.isNaN(score)) throw new CommandError('ERR resulting score is not a number (NaN)');
    if (current !== undefined && ((flags.gt && score <= current) || (flags.lt && score >= current))) continue;
    const outcome = zset.set(member, score);
    if (outcome === 'added') added += 1;
    if (outcome !== 'unchanged') changed += 1;
    incrResult = score;
  }
  if (flags.incr) return incrResult === undefined ? reply.nil : reply.bulk(formatDouble(incrResult));
  return reply.integer(flags.ch ? changed : added);
}

/** Clamps Redis rank arguments (negative = from the end) to a [from, to) slice. */
function rankWindow(size: number, start: number, stop: number): { from: number; to: number } {
  const from = Math.max(0, start < 0 ? size + start : start);
  const last = Math.min(size - 1, stop < 0 ? size + stop : stop);
  return { from, to: Math.max(from, last + 1) };
}

function applyLimit<T>(items: T[], limit: { offset: number; count: number } | undefined): T[] {
  if (limit === undefined) return items;
  if (limit.offset < 0) return [];
  return items.slice(limit.offset, limit.count < 0 ? undefined : limit.offset + limit.count);
}

interface RangeOptions {
  byScore: boolean;
  reverse: boolean;
  withScores: boolean;
  limit?: { offset: number; count: number };
}

function parseRangeOptions(words: readonly string[], allowByScore: boolean): RangeOptions {
  const options: RangeOptions = { byScore: !allowByScore, reverse: false, withScores: false };
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    if (isOption(word, 'WITHSCORES')) options.withScores = true;
    else if (allowByScore && isOption(word, 'BYSCORE')) options.byScore = true;
    else if (allowByScore && isOption(word, 'REV')) options.reverse = true;
    else if (isOption(word, 'LIMIT')) {
      const offset = words[i + 1];
      const count = words[i + 2];
      if (offset === undefined || count === undefined) throw new CommandError(SYNTAX_ERROR);
      options.limit = { offset: parseInteger(offset), count: parseInteger(count) };
      i += 2;
    } else if (allowByScore && isOption(word, 'BYLEX')) {
      throw new CommandError('ERR BYLEX is not supported by the embedded RESP server');
    } else throw new CommandError(SYNTAX_ERROR);
  }
  if (options.limit !== undefined && !options.byScore) {
    throw new CommandError('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  }
  return options;
}

function rangeByScore(
  zset: SortedSet | undefined,
  minText: string,
  maxText: string,
  options: RangeOptions,
): ScoredMember[] {
  // With REV the caller gives max first, as in ZREVRANGEBYSCORE; bounds are checked even for a missing key.
  const first = parseBound(minText);
  const second = parseBound(maxText);
  if (zset === undefined) return [];
  const [min, max] = options.reverse ? [second, first] : [first, second];
  const { from, to } = zset.scoreRange(min, max);
  const entries = zset.slice(from, to);
  if (options.reverse) entries.reverse();
  return applyLimit(entries, options.limit);
}

export const sortedSetCommands: CommandTable = {
  zadd: {
    arity: -4,
    run({ db }, args) {
      const key = args[0] as string;
      const { flags, firstPair } = parseZaddFlags(args);
      const pairs: Array<[number, string]> = [];
      for (let i = firstPair; i < args.length; i += 2)
        pairs.push([parseDouble(args[i] as string), args[i + 1] as string]);
      const zset = db.obtain(key, 'zset');
      const result = zadd(zset, flags, pairs);
      db.dropIfEmpty(key);
      return result;
    },
  },
  zrem: {
    arity: -3,
    run({ db }, args) {
      const key = args[0] as string;
      const zset = db.read(key, 'zset');
      if (zset === undefined) return reply.integer(0);
      const removed = args.slice(1).filter((member) => zset.remove(member)).length;
      db.dropIfEmpty(key);
      return reply.integer(removed);
    },
  },
  zrange: {
    arity: -4,
    run({ db }, args) {
      const [key, startText, stopText] = args as [string, string, string];
      const options = parseRangeOptions(args.slice(3), true);
      const zset = db.read(key, 'zset');
      if (options.byScore) {
        return encodeMembers(rangeByScore(zset, startText, stopText, options), options.withScores);
      }
      const start = parseInteger(startText);
      const stop = parseInteger(stopText);
      if (zset === undefined) return reply.bulkArray([]);
      const { from, to } = rankWindow(zset.size, start, stop);
      if (!options.reverse) return encodeMembers(zset.slice(from, to), options.withScores);
      // REV ranks count from the highest score.
      return encodeMembers(zset.slice(zset.size - to, zset.size - from).reverse(), options.withScores);
    },
  },
  zrangebyscore: {
    arity: -4,
    run({ db }, args) {
      const [key, minText, maxText] = args as [string, string, string];
      const options = parseRangeOptions(args.slice(3), false);
      const zset = db.read(key, 'zset');
      return encodeMembers(rangeByScore(zset, minText, maxText, options), options.withScores);
    },
  },
  zremrangebyscore: {
    arity: 4,
    run({ db }, args) {
      const [key, minText, maxText] = args as [string, string, string];
      const min = parseBound(minText);
      const max = parseBound(maxText);
      const zset = db.read(key, 'zset');
      if (zset === undefined) return reply.integer(0);
      const { from, to } = zset.scoreRange(min, max);
      const removed = zset.removeRanks(from, to);
      db.dropIfEmpty(key);
      return reply.integer(removed);
    },
  },
  zcard: { arity: 2, run: ({ db }, args) => reply.integer(db.read(args[0] as string, 'zset')?.size ?? 0) },
  zscore: {
    arity: 3,
    run({ db }, args) {
      const score = db.read(args[0] as string, 'zset')?.score(args[1] as string);
      return reply.bulk(score === undefined ? null : formatDouble(score));
    },
  },
};
