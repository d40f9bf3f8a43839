// `gochat broker` / main.ts: run the broker as its own process until SIGINT or SIGTERM.
import { startBroker, type Broker } from './broker';
import type { BrokerLogger } from './core';
import { giveBrokerHeapRoom } from './process-heap';

export interface BrokerCliArgs {
  host: string;
  port: number;
  dataDir: string;
}

export class BrokerCliUsageError extends Error {
  constructor(message: string) {
    super(`${message}\nusage: --port <n> --data-dir <dir> [--host <h>] (port 0 picks a free one)`);
    this.name = 'BrokerCliUsageError';
  }
}

export function parseBrokerArgs(argv: string[]): BrokerCliArgs {
  let host = '127.0.0.1';
  let port: number | null = null;
  let dataDir: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag !== '--port' && flag !== '--data-dir' && flag !== '--host')
      throw new BrokerCliUsageError(`unknown argument "${flag}"`);
    if (value === undefined || value.startsWith('--')) throw new BrokerCliUsageError(`${flag} needs a value`);
    i++;
    if (flag === '--port') {
      port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new BrokerCliUsageError(`--port must be an integer 0-65535, got "${value}"`);
    } else if (flag === '--data-dir') dataDir = value;
    else host = value;
  }
  if (port === null) throw new BrokerCliUsageError('--port is required');
  if (dataDir === null) throw new BrokerCliUsageError('--data-dir is required');
  return { host, port, dataDir };
}

const processLogger: BrokerLogger = {
  info: (msg) => process.stderr.write(`[kafka-broker] ${msg}\n`),
  warn: (msg) => process.stderr.write(`[kafka-broker] WARN ${msg}\n`),
  error: (msg) => process.stderr.write(`[kafka-broker] ERROR ${msg}\n`),
};

/** Starts the broker, prints its one "listening" line on stdout and resolves once it has stopped on a signal. */
export async function runBrokerCli(argv: string[]): Promise<void> {
  const args = parseBrokerArgs(argv);
  giveBrokerHeapRoom();
  const broker: Broker = await startBroker({
    host: args.host,
    port: args.port,
    dataDir: args.dataDir,
    logger: processLogger,
  });
  process.stdout.write(`kafka broker listening on ${broker.address} (data dir ${args.dataDir})\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      processLogger.info(`${signal}: stopping`);
      broker.stop().then(resolve, (err: unknown) => {
        processLogger.error(`stop failed: ${String(err)}`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
