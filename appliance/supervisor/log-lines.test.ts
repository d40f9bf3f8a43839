import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, LogRing, parseLogLine } from './log-lines';

describe('service log lines', () => {
  test('pino JSON lines keep their time, level name, message and trace id', () => {
    const raw = JSON.stringify({
      level: 'warn',
      time: 1_700_000_000_123,
      service: 'im-logic',
      msg: 'slow',
      traceId: 'abc',
    });
    assert.deepEqual(parseLogLine('im-logic', raw, 'stdout'), {
      service: 'im-logic',
      timeMs: 1_700_000_000_123,
      level: 'warn',
      msg: 'slow',
      raw,
      traceId: 'abc',
    });
    assert.equal(parseLogLine('x', JSON.stringify({ level: 50, msg: 'numeric' }), 'stdout').level, 'error');
  });

  test('plain text is kept whole; on stderr it counts as an error', () => {
    const line = parseLogLine('im-repo', '    at Object.<anonymous> (main.ts:1:1)', 'stderr', 5);
    assert.equal(line.level, 'error');
    assert.equal(line.msg, '    at Object.<anonymous> (main.ts:1:1)');
    assert.equal(line.timeMs, 5);
    assert.equal(parseLogLine('x', '{not json', 'stdout').msg, '{not json');
  });

  test('lines split across chunks are joined; the unfinished tail waits', () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push('one\ntw'), ['one']);
    assert.deepEqual(splitter.push('o\r\nthree'), ['two']);
    assert.deepEqual(splitter.flush(), ['three']);
  });

  test('a multibyte character split across two chunks is decoded whole', () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('héllo 世界 👋\nnext\n', 'utf8');
    // Cut inside "é" (2 bytes), inside "世" (3 bytes) and inside the emoji (4 bytes).
    const cuts = [2, bytes.indexOf(Buffer.from('世')) + 1, bytes.indexOf(Buffer.from('👋')) + 2, bytes.length];
    const lines: string[] = [];
    let from = 0;
    for (const cut of cuts) {
      lines.push(...splitter.push(bytes.subarray(from, cut)));
      from = cut;
    }
    lines.push(...splitter.flush());
    assert.deepEqual(lines, ['héllo 世界 👋', 'next']);
  });

  test('a multibyte character cut off by the end of the stream is flushed as a replacement character', () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push(Buffer.from('ok \xe4', 'latin1')), []);
    assert.deepEqual(splitter.flush(), ['ok \ufffd']);
  });

  test('the ring keeps the most recent lines, oldest first', () => {
    const ring = new LogRing(3);
    for (let i = 1; i <= 5; i += 1) ring.add(parseLogLine('s', `line ${i}`, 'stdout'));
    assert.deepEqual(
      ring.snapshot().map((line) => line.msg),
      ['line 3', 'line 4', 'line 5'],
    );
  });
});
