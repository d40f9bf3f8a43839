// broker: produce / consume throughput of the embedded Kafka broker alone, beside the raw speed of a local file
// (write + fsync) and a loopback socket measured in the same run: infra/kafka-broker/bench/throughput.ts, run as
// a child process with the broker in a process of its own, as `gochat up` runs it.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { renderTable } from '../report/table';
import { ratio } from '../support/stats';
import type { BenchCase, CaseOptions, CaseResult } from './bench-case';

const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');
const SCRIPT = join(PROJECT_ROOT, 'infra', 'kafka-broker', 'bench', 'throughput.ts');

interface Figure {
  name: string;
  ms: number;
  recordsPerSec: number;
}

interface BrokerFigures {
  records: number;
  valueBytes: number;
  acks: number;
  where: string;
  produce: Figure;
  consume: Figure;
  file: Figure;
  socket: Figure;
}

function runThroughput(records: number, onLine: (line: string) => void): Promise<BrokerFigures> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', SCRIPT, String(records), '200', '--broker', 'process', '--json'],
      {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onLine(chunk.toString().trim());
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`throughput.ts exited (${code}):\n${stdout}${stderr}`));
        return;
      }
      resolveRun(JSON.parse(line) as BrokerFigures);
    });
  });
}

export const brokerCase: BenchCase = {
  name: 'broker',
  description: 'the embedded Kafka broker alone: produce / consume records/s vs a local file and a loopback socket',
  async run(options: CaseOptions): Promise<CaseResult> {
    const records = options.quick ? 20_000 : 200_000;
    options.progress.step(
      `broker: ${records} records of 200 bytes through kafkajs, then the file and socket baselines`,
    );
    const figures = await runThroughput(records, (line) => options.progress.update(line));
    const row = (f: Figure, against: Figure[]) => [
      f.name,
      f.recordsPerSec,
      (f.recordsPerSec * figures.valueBytes) / 1e6,
      f.ms,
      ...against.map((base) => {
        const r = ratio(f.recordsPerSec, base.recordsPerSec);
        return r === undefined ? undefined : `${r.toFixed(3)} x`;
      }),
    ];
    const baselines = [figures.file, figures.socket];
    return {
      name: 'broker',
      title: `broker: ${records.toLocaleString('en-US')} records of ${figures.valueBytes} bytes, ${figures.where}; x = this / baseline`,
      figures: {
        ...figures,
        produceVsFile: ratio(figures.produce.recordsPerSec, figures.file.recordsPerSec),
        produceVsSocket: ratio(figures.produce.recordsPerSec, figures.socket.recordsPerSec),
        consumeVsFile: ratio(figures.consume.recordsPerSec, figures.file.recordsPerSec),
        consumeVsSocket: ratio(figures.consume.recordsPerSec, figures.socket.recordsPerSec),
      },
      tables: [
        renderTable(
          ['what', 'records/s', 'MB/s', 'ms', 'x file', 'x socket'],
          [
            row(figures.produce, baselines),
            row(figures.consume, baselines),
            row(figures.file, []),
            row(figures.socket, []),
          ],
        ),
      ],
      notes: [],
    };
  },
};
