// gochat broker: the embedded Kafka broker on its own, delegated to the broker's CLI.
import { runBrokerCli } from '../../infra/kafka-broker/cli';

export async function runBroker(opts: { port: string; dataDir: string; host: string }): Promise<number> {
  try {
    await runBrokerCli(['--port', opts.port, '--data-dir', opts.dataDir, '--host', opts.host]);
    return 0;
  } catch (err) {
    process.stderr.write(`gochat broker: ${(err as Error).message}\n`);
    return 1;
  }
}
