// ${...} in scenario strings: variables, loop counters, actors (their user id) and groups (their group id), with
// + - * / % on numbers. Small on purpose: enough for "member[${i + 1}]" and "${members}", not a language.

export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

/** What a name stands for while running: a number, a string, or an object with an `id` (actors, groups). */
export type Lookup = (name: string) => unknown;

type Token = { kind: 'num'; value: number } | { kind: 'id'; value: string } | { kind: 'op'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/%.()[\]]))/y;
  let index = 0;
  while (index < source.length) {
    if (/^\s*$/.test(source.slice(index))) break;
    pattern.lastIndex = index;
    const found = pattern.exec(source);
    if (!found) throw new ExpressionError(`cannot read "${source}" at "${source.slice(index).trim()}"`);
    index = pattern.lastIndex;
    if (found[1] !== undefined) tokens.push({ kind: 'num', value: Number(found[1]) });
    else if (found[2] !== undefined) tokens.push({ kind: 'id', value: found[2] });
    else tokens.push({ kind: 'op', value: found[3]! });
  }
  return tokens;
}

/** The names an expression refers to at its top level (what must be defined), for checks before running. */
export function namesIn(source: string): string[] {
  const names: string[] = [];
  const tokens = tokenize(source);
  tokens.forEach((token, i) => {
    const previous = tokens[i - 1];
    if (token.kind === 'id' && !(previous?.kind === 'op' && previous.value === '.')) names.push(token.value);
  });
  return names;
}

class Parser {
  private position = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly lookup: Lookup,
    private readonly source: string,
  ) {}

  parse(): unknown {
    const value = this.sum();
    if (this.position < this.tokens.length)
      throw new ExpressionError(`unexpected "${this.peekText()}" in "${this.source}"`);
    return value;
  }

  private peekText(): string {
    const token = this.tokens[this.position];
    return token ? String(token.value) : 'end';
  }

  private take(op: string): boolean {
    const token = this.tokens[this.position];
    if (token?.kind === 'op' && token.value === op) {
      this.position += 1;
      return true;
    }
    return false;
  }

  private sum(): unknown {
    let value = this.product();
    for (;;) {
      if (this.take('+')) value = arithmetic(value, this.product(), '+', this.source);
      else if (this.take('-')) value = arithmetic(value, this.product(), '-', this.source);
      else return value;
    }
  }

  private product(): unknown {
    let value = this.factor();
    for (;;) {
      const op = ['*', '/', '%'].find((candidate) => this.take(candidate));
      if (!op) return value;
      value = arithmetic(value, this.factor(), op, this.source);
    }
  }

  private factor(): unknown {
    const token = this.tokens[this.position];
    if (!token) throw new ExpressionError(`"${this.source}" ends too early`);
    this.position += 1;
    let value: unknown;
    if (token.kind === 'num') value = token.value;
    else if (token.kind === 'id') {
      value = this.lookup(token.value);
      if (value === undefined) throw new ExpressionError(`unknown name "${token.value}" in "${this.source}"`);
    } else if (token.value === '(') {
      value = this.sum();
      if (!this.take(')')) throw new ExpressionError(`missing ")" in "${this.source}"`);
    } else if (token.value === '-') return arithmetic(0, this.factor(), '-', this.source);
    else throw new ExpressionError(`unexpected "${token.value}" in "${this.source}"`);
    for (;;) {
      if (this.take('.')) {
        const field = this.tokens[this.position];
        if (field?.kind !== 'id') throw new ExpressionError(`a field name must follow "." in "${this.source}"`);
        this.position += 1;
        value = member(value, field.value, this.source);
      } else if (this.take('[')) {
        const index = this.sum();
        if (!this.take(']')) throw new ExpressionError(`missing "]" in "${this.source}"`);
        value = member(value, index, this.source);
      } else return value;
    }
  }
}

function member(value: unknown, key: unknown, source: string): unknown {
  if (value === null || typeof value !== 'object')
    throw new ExpressionError(`"${source}": cannot take ${String(key)} of ${String(value)}`);
  const found = (value as Record<string, unknown>)[String(key)];
  if (found === undefined) throw new ExpressionError(`"${source}": no ${String(key)} there`);
  return found;
}

function arithmetic(a: unknown, b: unknown, op: string, source: string): number | string {
  if (op === '+' && (typeof a === 'string' || typeof b === 'string')) return textOf(a) + textOf(b);
  if (typeof a !== 'number' || typeof b !== 'number')
    throw new ExpressionError(`"${source}": ${op} needs numbers, got ${textOf(a)} and ${textOf(b)}`);
  if (op === '+') return a + b;
  if (op === '-') return a - b;
  if (op === '*') return a * b;
  if (b === 0) throw new ExpressionError(`"${source}": division by zero`);
  return op === '/' ? Math.floor(a / b) : a % b;
}

/** An actor or group stands for its id in text. */
export function textOf(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'id' in value) return String((value as { id: unknown }).id);
  return String(value);
}

export function evaluate(source: string, lookup: Lookup): unknown {
  return new Parser(tokenize(source), lookup, source).parse();
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** A string with its ${...} replaced; a string that is one ${...} keeps the value's type (numbers stay numbers). */
export function interpolate(text: string, lookup: Lookup): unknown {
  const whole = /^\$\{([^}]*)\}$/.exec(text);
  if (whole) return evaluate(whole[1]!, lookup);
  return text.replace(PLACEHOLDER, (_, source: string) => textOf(evaluate(source, lookup)));
}

export function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Interpolates every string inside a JSON-like value (payload and record matchers). */
export function interpolateDeep(value: unknown, lookup: Lookup): unknown {
  if (typeof value === 'string') {
    const result = interpolate(value, lookup);
    return result !== null && typeof result === 'object' ? textOf(result) : result;
  }
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item, lookup));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, lookup)]));
  return value;
}
