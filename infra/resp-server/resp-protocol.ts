// RESP2 request parsing and reply encoding.
//
// Every byte string is carried as a latin1 JS string: one char per byte, so keys and values stay binary-safe,
// lengths are byte lengths, and JS string comparison orders them the way Redis compares bytes.

const CR = 0x0d;
const STAR = 0x2a;
const DOLLAR = 0x24;

/** Most arguments one request may carry (Redis's own limit is the same). */
const MAX_MULTIBULK_LENGTH = 1024 * 1024;
/** Largest single argument accepted; bigger claims are treated as a hostile or broken client. */
const MAX_BULK_LENGTH = 128 * 1024 * 1024;
/** Longest header or inline line before giving up on the connection. */
const MAX_LINE_LENGTH = 64 * 1024;

/** The client broke the protocol; the connection must be answered with an error and closed. */
export class RespProtocolError extends Error {
  override name = 'RespProtocolError';
}

export interface ParsedRequests {
  commands: string[][];
  /** Set when the stream became unparseable after `commands`; nothing after it can be trusted. */
  protocolError?: RespProtocolError;
}

/**
 * Incremental parser: feed it socket chunks in order, it returns complete commands. Large arguments arriving in
 * many chunks are gathered without re-copying the buffer on each chunk.
 */
export class RespRequestParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Unread bytes needed before parsing can make progress. */
  private neededBytes = 0;
  private argsLeft = 0;
  private args: string[] = [];
  /** Length of the bulk payload being awaited, or -1 when the next item is a `$<len>` header. */
  private bulkLength = -1;

  push(chunk: Buffer): ParsedRequests {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.buf.length - this.pos + this.pendingBytes < this.neededBytes) return { commands: [] };
    this.buf = Buffer.concat([this.buf.subarray(this.pos), ...this.pending]);
    this.pos = 0;
    this.pending = [];
    this.pendingBytes = 0;

    const commands: string[][] = [];
    try {
      for (;;) {
        const command = this.next();
        if (command === undefined) break;
        if (command.length > 0) commands.push(command);
      }
    } catch (err) {
      if (err instanceof RespProtocolError) return { commands, protocolError: err };
      throw err;
    }
    if (this.pos === this.buf.length) {
      this.buf = Buffer.alloc(0);
      this.pos = 0;
    }
    return { commands };
  }

  private available(): number {
    return this.buf.length - this.pos;
  }

  /** A complete command (possibly empty, which callers ignore), or undefined when more bytes are needed. */
  private next(): string[] | undefined {
    if (this.argsLeft === 0) {
      if (this.available() === 0) {
        this.neededBytes = 1;
        return undefined;
      }
      if (this.buf[this.pos] !== STAR) return this.nextInline();
      const header = this.readLine('too big mbulk count string');
      if (header === undefined) return undefined;
      const count = parseLength(header.slice(1));
      if (count === undefined || count > MAX_MULTIBULK_LENGTH) {
        throw new RespProtocolError('invalid multibulk length');
      }
      if (count <= 0) return [];
      this.argsLeft = count;
      this.args = [];
    }
    while (this.argsLeft > 0) {
      if (this.bulkLength < 0) {
        if (this.available() === 0) {
          this.neededBytes = 1;
          return undefined;
        }
        const first = this.buf[this.pos];
        if (first !== DOLLAR) {
          throw new RespProtocolError(`expected '$', got '${printable(String.fromCharCode(first ?? 0))}'`);
        }
        const header = this.readLine('too big bulk count string');
        if (header === undefined) return undefined;
        const length = parseLength(header.slice(1));
        if (length === undefined || length < 0 || length > MAX_BULK_LENGTH) {
          throw new RespProtocolError('invalid bulk length');
        }
        this.bulkLength = length;
      }
      if (this.available() < this.bulkLength + 2) {
        this.neededBytes = this.bulkLength + 2;
        return undefined;
      }
      const end = this.pos + this.bulkLength;
      if (this.buf[end] !== CR || this.buf[end + 1] !== 0x0a) {
        throw new RespProtocolError('bulk string not terminated by CRLF');
      }
      this.args.push(this.buf.toString('latin1', this.pos, end));
      this.pos = end + 2;
      this.bulkLength = -1;
      this.argsLeft -= 1;
    }
    const command = this.args;
    this.args = [];
    return command;
  }

  /** Inline commands ("PING\r\n") as typed into telnet or nc. */
  private nextInline(): string[] | undefined {
    const newline = this.buf.indexOf(0x0a, this.pos);
    if (newline < 0) {
      if (this.available() > MAX_LINE_LENGTH) throw new RespProtocolError('too big inline request');
      this.neededBytes = this.available() + 1;
      return undefined;
    }
    const line = this.buf.toString('latin1', this.pos, newline);
    this.pos = newline + 1;
    return line.split(/[ \t\r]+/).filter((part) => part.length > 0);
  }

  private readLine(tooLongMessage: string): string | undefined {
    const end = this.buf.indexOf('\r\n', this.pos, 'latin1');
    if (end < 0) {
      if (this.available() > MAX_LINE_LENGTH) throw new RespProtocolError(tooLongMessage);
      this.neededBytes = this.available() + 1;
      return undefined;
    }
    const line = this.buf.toString('latin1', this.pos, end);
    this.pos = end + 2;
    return line;
  }
}

function parseLength(text: string): number | undefined {
  if (!/^-?\d{1,10}$/.test(text)) return undefined;
  return Number(text);
}

/** Error text must stay on one line or it would break the reply stream. */
function printable(text: string): string {
  return text.replace(/[\r\n]/g, ' ');
}

// Reply encoders. Each returns the reply already encoded, so a transaction can concatenate its replies.
export const reply = {
  ok: '+OK\r\n',
  nil: '$-1\r\n',
  nilArray: '*-1\r\n',
  status(text: string): string {
    return `+${printable(text)}\r\n`;
  },
  error(text: string): string {
    return `-${printable(text)}\r\n`;
  },
  integer(value: number): string {
    return `:${Math.trunc(value)}\r\n`;
  },
  bulk(value: string | null | undefined): string {
    return value === null || value === undefined ? '$-1\r\n' : `$${value.length}\r\n${value}\r\n`;
  },
  /** An array whose items are already encoded replies. */
  array(encodedItems: readonly string[]): string {
    return `*${encodedItems.length}\r\n${encodedItems.join('')}`;
  },
  bulkArray(values: Iterable<string>): string {
    const items: string[] = [];
    for (const value of values) items.push(`$${value.length}\r\n${value}\r\n`);
    return `*${items.length}\r\n${items.join('')}`;
  },
};
