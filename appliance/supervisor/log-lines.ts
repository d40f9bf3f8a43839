// Service output: each line parsed once (pino JSON or plain text), kept in a bounded ring for the console and
// `gochat logs`, and appended to <data-dir>/logs/<service>.log.
import { createWriteStream, mkdirSync, renameSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { LogLevel, LogLine } from './status';

const PINO_LEVELS: Record<number, LogLevel> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const LEVEL_NAMES = new Set<string>(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

function levelOf(value: unknown, fallback: LogLevel): LogLevel {
  if (typeof value === 'number') return PINO_LEVELS[value] ?? fallback;
  if (typeof value === 'string' && LEVEL_NAMES.has(value)) return value as LogLevel;
  return fallback;
}

function traceIdOf(fields: Record<string, unknown>): string | undefined {
  if (typeof fields.traceId === 'string') return fields.traceId;
  if (typeof fields.traceparent === 'string') return fields.traceparent.split('-')[1];
  return undefined;
}

/** Parses one output line; plain text from stderr counts as an error (stack traces land there). */
export function parseLogLine(service: string, raw: string, stream: 'stdout' | 'stderr', nowMs = Date.now()): LogLine {
  if (raw.startsWith('{')) {
    try {
      const fields = JSON.parse(raw) as Record<string, unknown>;
      const line: LogLine = {
        service,
        timeMs: typeof fields.time === 'number' ? fields.time : nowMs,
        level: levelOf(fields.level, 'info'),
        msg: typeof fields.msg === 'string' ? fields.msg : '',
        raw,
      };
      const traceId = traceIdOf(fields);
      if (traceId) line.traceId = traceId;
      return line;
    } catch {
      // Not JSON after all: kept as text below.
    }
  }
  return { service, timeMs: nowMs, level: stream === 'stderr' ? 'error' : 'info', msg: raw, raw };
}

/** Splits a byte stream into lines, holding back the unfinished last one. */
export class LineSplitter {
  private partial = '';
  // A pipe chunk can end inside a multibyte UTF-8 character; the decoder keeps those bytes for the next chunk
  // instead of turning each half into U+FFFD.
  private readonly decoder = new StringDecoder('utf8');

  push(chunk: Buffer | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    return lines.map((line) => line.replace(/\r$/, '')).filter((line) => line.length > 0);
  }

  /** Whatever was left without a newline when the stream ended. */
  flush(): string[] {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    return rest.length > 0 ? [rest] : [];
  }
}

/** The most recent lines, oldest first, in a fixed-size circular buffer. */
export class LogRing {
  private readonly slots: (LogLine | undefined)[];
  private next = 0;
  private count = 0;

  constructor(private readonly capacity = 2000) {
    this.slots = new Array<LogLine | undefined>(capacity);
  }

  add(line: LogLine): void {
    this.slots[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  snapshot(): LogLine[] {
    const first = (this.next - this.count + this.capacity) % this.capacity;
    const lines: LogLine[] = [];
    for (let i = 0; i < this.count; i += 1) {
      const line = this.slots[(first + i) % this.capacity];
      if (line) lines.push(line);
    }
    return lines;
  }
}

/** A log file past this size is moved to <name>.log.1 (replacing the older one) when a run opens it. */
const ROTATE_AT_BYTES = 20 * 1024 * 1024;

function rotateIfLarge(path: string): void {
  try {
    if (statSync(path).size > ROTATE_AT_BYTES) renameSync(path, `${path}.1`);
  } catch {
    // No file yet, or it cannot be moved: appending still works.
  }
}

/** Appends raw lines to one file per service under the logs dir (one file per process name, kept across runs). */
export class LogFiles {
  private readonly streams = new Map<string, WriteStream>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  static pathFor(logsDir: string, service: string): string {
    return join(logsDir, `${service}.log`);
  }

  append(service: string, raw: string): void {
    let stream = this.streams.get(service);
    if (!stream) {
      const path = LogFiles.pathFor(this.dir, service);
      rotateIfLarge(path);
      stream = createWriteStream(path, { flags: 'a' });
      // A full disk must not take the supervisor down; the ring buffer still has the lines.
      stream.on('error', () => undefined);
      this.streams.set(service, stream);
    }
    stream.write(`${raw}\n`);
  }

  async close(): Promise<void> {
    const closing = [...this.streams.values()].map(
      (stream) => new Promise<void>((resolve) => stream.end(() => resolve())),
    );
    this.streams.clear();
    await Promise.all(closing);
  }
}
