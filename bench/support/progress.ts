// Progress of a long bench on stderr, so stdout carries only the result tables. On a terminal a step's
// progress rewrites one line; elsewhere (CI logs) each update is a line of its own, at most one a second.

export class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private lastLineAt = 0;
  private pendingLine = false;
  private readonly startedAt = Date.now();

  constructor(private readonly prefix = 'bench') {}

  /** A step starts or ends: always printed. */
  step(text: string): void {
    this.finishLine();
    process.stderr.write(`[${this.prefix} ${this.elapsed()}] ${text}\n`);
  }

  /** How far a running step is: rewritten in place on a terminal, throttled elsewhere. */
  update(text: string): void {
    const now = Date.now();
    if (this.tty) {
      process.stderr.write(`\r\x1b[2K[${this.prefix} ${this.elapsed()}]   ${text}`);
      this.pendingLine = true;
    } else if (now - this.lastLineAt >= 1000) {
      process.stderr.write(`[${this.prefix} ${this.elapsed()}]   ${text}\n`);
      this.lastLineAt = now;
    }
  }

  private finishLine(): void {
    if (this.pendingLine) process.stderr.write('\n');
    this.pendingLine = false;
  }

  private elapsed(): string {
    const s = Math.round((Date.now() - this.startedAt) / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }
}
