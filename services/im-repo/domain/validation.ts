// Input checks shared by the use cases. Each failure is an InvalidArgument naming the field, as the client sent it.
import { InvalidArgument } from '../../../lib/errors';

// Ids end up inside conversation ids ("p2p:<a>:<b>") and Redis keys, so ":" and whitespace are not allowed.
const ID_RE = /^[A-Za-z0-9_.@-]{1,128}$/;

export function requireId(field: string, value: string): string {
  if (value === '') throw new InvalidArgument(`${field} is required`);
  if (!ID_RE.test(value)) {
    throw new InvalidArgument(`${field} "${value}" must be 1-128 characters of letters, digits, "_", ".", "@" or "-"`);
  }
  return value;
}

export function requireIds(field: string, values: readonly string[], max = 1000): string[] {
  if (values.length > max) throw new InvalidArgument(`${field} lists ${values.length} ids; at most ${max} are allowed`);
  values.forEach((value, i) => requireId(`${field}[${i}]`, value));
  return [...new Set(values)];
}

export function requireText(field: string, value: string, maxLength: number, { allowEmpty = false } = {}): string {
  if (!allowEmpty && value.trim() === '') throw new InvalidArgument(`${field} is required`);
  if (value.length > maxLength) {
    throw new InvalidArgument(`${field} is ${value.length} characters long; at most ${maxLength} are allowed`);
  }
  return value;
}

export function requireIntInRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgument(`${field} must be an integer from ${min} to ${max} (got ${value})`);
  }
  return value;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
