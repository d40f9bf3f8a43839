// gochat logs <service> [-f]: prints a process's log file, formatted for reading (or raw with --json).
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { dataDirLayout } from '../supervisor/data-dir';
import { LineSplitter, LogFiles, parseLogLine } from '../supervisor/log-lines';

const FOLLOW_POLL_MS = 250;
/** The first print reads at most this much of the file's end. */
const TAIL_BYTES = 8 * 1024 * 1024;
/** Fields every line has; the rest are printed after the message. */
const STANDARD_FIELDS = new Set(['level', 'time', 'service', 'instance', 'msg', 'pid', 'hostname']);

export function formatLogLine(service: string, raw: string): string {
  const line = parseLogLine(service, raw, 'stdout');
  const time = new Date(line.timeMs).toISOString().slice(11, 23);
  let extra = '';
  if (raw.startsWith('{')) {
    try {
      const fields = JSON.parse(raw) as Record<string, unknown>;
      const rest = Object.entries(fields).filter(([key]) => !STANDARD_FIELDS.has(key));
      if (rest.length > 0) extra = ` ${JSON.stringify(Object.fromEntries(rest))}`;
    } catch {
      // Plain text: printed as the message.
    }
  }
  return `${time} ${line.level.toUpperCase().padEnd(5)} ${line.msg}${extra}`;
}

/** Bytes, not text: a read can end inside a multibyte character, which the LineSplitter completes next time. */
function readFrom(path: string, start: number): { bytes: Buffer; end: number } {
  const size = statSync(path).size;
  if (size <= start) return { bytes: Buffer.alloc(0), end: size };
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    return { bytes: buffer, end: size };
  } finally {
    closeSync(fd);
  }
}

export async function runLogs(
  service: string,
  opts: { dataDir: string; follow?: boolean; lines: number; json?: boolean },
): Promise<number> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(service)) {
    process.stderr.write(`"${service}" is not a process name (lowercase letters, digits and dashes, like gw-1)\n`);
    return 1;
  }
  const layout = dataDirLayout(opts.dataDir);
  const path = LogFiles.pathFor(layout.logsDir, service);
  if (!existsSync(path)) {
    const known = existsSync(layout.logsDir)
      ? readdirSync(layout.logsDir)
          .filter((f) => f.endsWith('.log'))
          .map((f) => f.slice(0, -4))
      : [];
    process.stderr.write(
      `no log for "${service}" in ${layout.logsDir}` +
        (known.length > 0 ? `; logs: ${known.join(', ')}\n` : ' (has gochat run here?)\n'),
    );
    return 1;
  }
  const print = (raw: string): void => {
    process.stdout.write(`${opts.json ? raw : formatLogLine(service, raw)}\n`);
  };
  const start = Math.max(0, statSync(path).size - TAIL_BYTES);
  const first = readFrom(path, start);
  const splitter = new LineSplitter();
  // Starting mid-file, the first line is cut and dropped.
  const lines = splitter.push(start > 0 ? first.bytes.subarray(first.bytes.indexOf(0x0a) + 1) : first.bytes);
  for (const raw of lines.slice(Math.max(0, lines.length - opts.lines))) print(raw);
  if (!opts.follow) return 0;

  let position = first.end;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (!existsSync(path)) return;
      // A reset or a new file starts over from its beginning.
      if (statSync(path).size < position) position = 0;
      const next = readFrom(path, position);
      position = next.end;
      for (const raw of splitter.push(next.bytes)) print(raw);
    }, FOLLOW_POLL_MS);
    process.once('SIGINT', () => {
      clearInterval(timer);
      resolve();
    });
  });
  return 0;
}
