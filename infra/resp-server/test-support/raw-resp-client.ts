// A bare RESP2 client for tests: sends exact bytes and parses replies, so tests can compare servers reply for
// reply and feed them malformed input no library would produce.
import { createConnection, type Socket } from 'node:net';

export type RawReply = string | number | null | { error: string } | RawReply[];

export class RawRespClient {
  private buffer = Buffer.alloc(0);
  private closed = false;
  private waiter: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawRespClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(new RawRespClient(socket)));
      socket.once('error', reject);
    });
  }

  static encode(argv: readonly string[]): Buffer {
    const parts = [`*${argv.length}\r\n`];
    for (const arg of argv) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
    return Buffer.from(parts.join(''));
  }

  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  async command(...argv: string[]): Promise<RawReply> {
    this.write(RawRespClient.encode(argv));
    return this.readReply();
  }

  /** The next complete reply; rejects if the server closes first or nothing arrives in time. */
  async readReply(timeoutMs = 5000): Promise<RawReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseReply(this.buffer, 0);
      if (parsed) {
        this.buffer = this.buffer.subarray(parsed.end);
        return parsed.value;
      }
      if (this.closed) throw new Error('connection closed before a complete reply');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no complete reply in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Resolves true once the server has closed the connection (false if it stays open past the timeout). */
  async waitForClose(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.closed;
  }

  /** Bytes received and not yet read as a reply. */
  get unread(): Buffer {
    return this.buffer;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

function parseReply(buf: Buffer, start: number): { value: RawReply; end: number } | undefined {
  const lineEnd = buf.indexOf('\r\n', start);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buf[start] ?? 0);
  const line = buf.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: { error: line }, end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buf.length < next + length + 2) return undefined;
      return { value: buf.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RawReply[] = [];
      let position = next;
      for (let i = 0; i < count; i += 1) {
        const item = parseReply(buf, position);
        if (!item) return undefined;
        items.push(item.value);
        position = item.end;
      }
      return { value: items, end: position };
    }
    default:
      throw new Error(`unparseable reply type ${JSON.stringify(type)}`);
  }
}
