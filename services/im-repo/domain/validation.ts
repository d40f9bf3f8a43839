// Input checks shared by the use cases. Each failure is an InvalidArgument naming the field, as the client sent it.
import { InvalidArgument } from '../../../lib/errors';
import { ID_MAX_LENGTH, isValidId } from '../../../lib/limits';

/** Ids end up inside conversation ids ("p2p:<a>:<b>") and Redis keys; the rule is lib/limits.ts's. */
export function requireId(field: string, value: string): string {
  if (value === '') throw new InvalidArgument(`${field} is required`);
  if (!isValidId(value)) {
    throw new InvalidArgument(
      `${field} "${value.slice(0, 140)}" must be 1-${ID_MAX_LENGTH} characters of letters, digits, "_", ".", "@" or "-"`,
    );
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
