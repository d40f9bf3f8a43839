// node --import tsx infra/kafka-broker/main.ts --port 0 --data-dir /tmp/x
import { BrokerCliUsageError, runBrokerCli } from './cli';

runBrokerCli(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `kafka broker: ${err instanceof BrokerCliUsageError ? err.message : ((err as Error)?.stack ?? String(err))}\n`,
    );
    process.exit(err instanceof BrokerCliUsageError ? 2 : 1);
  },
);
