// What every command handler sees, and the argument parsers they share.
import { CommandError, type Keyspace } from '../keyspace';
import type { PubSubHub } from '../pubsub';

export interface ServerState {
  readonly startedAtMs: number;
  readonly port: () => number;
  connectedClients: () => number;
  database(index: number): Keyspace | undefined;
  readonly databaseCount: number;
  readonly pubsub: PubSubHub;
}

export interface ClientState {
  readonly id: number;
  name: string | undefined;
  databaseIndex: number;
}

export interface CommandContext {
  readonly db: Keyspace;
  readonly client: ClientState;
  readonly server: ServerState;
}

export interface CommandSpec {
  /** Redis's convention: N = exactly N words including the name, -N = at least N. */
  readonly arity: number;
  /** Returns the encoded reply; throws CommandError for an error reply. */
  run(ctx: CommandContext, args: string[]): string;
}

export type CommandTable = Readonly<Record<string, CommandSpec>>;

export const NOT_AN_INTEGER = 'ERR value is not an integer or out of range';
export const SYNTAX_ERROR = 'ERR syntax error';

export function parseInteger(text: string, message = NOT_AN_INTEGER): number {
  if (!/^-?\d{1,16}$/.test(text)) throw new CommandError(message);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new CommandError(message);
  return value;
}

/** A double as Redis's strtod accepts it, including inf / +inf / -inf. */
export function parseDouble(text: string, message = 'ERR value is not a valid float'): number {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) throw new CommandError(message);
  const value = Number(text);
  if (Number.isNaN(value)) throw new CommandError(message);
  return value;
}

/** Scores are written back the way Redis prints doubles. */
export function formatDouble(value: number): string {
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

/** Words of an option list compared without case, as Redis does. */
export function isOption(word: string | undefined, option: string): boolean {
  return word !== undefined && word.toUpperCase() === option;
}

export function argAt(args: readonly string[], index: number): string {
  const value = args[index];
  if (value === undefined) throw new CommandError(SYNTAX_ERROR);
  return value;
}
