// Starts the appliance API over a running supervisor: the one call the CLI (`gochat up`) and the Electron main
// process make. It finds (or builds) the console UI, wires the supervisor, the Kafka it runs on (the embedded
// broker in-process, or any other Kafka over the protocol), im-repo's presence and the SQLite store into the API,
// and follows the broker across its restarts.
import { join } from 'node:path';
import type { Broker } from '../../infra/kafka-broker';
import { ApplianceKafkaInspector } from './adapters/appliance-kafka-inspector';
import { LogicSeeder } from './adapters/logic-seeder';
import { RepoPresence } from './adapters/repo-presence';
import { SqliteDataReader } from './adapters/sqlite-data';
import { startApplianceApi, type ApplianceApi } from './appliance-api';
import type { ApplianceControl, InfraSummary } from './ports';
import { buildRenderer, findBuiltRenderer, isStale } from './http/renderer-assets';

/** What the console needs of the supervisor beyond ApplianceControl. */
export interface SupervisedAppliance extends ApplianceControl {
  readonly infra: (InfraSummary & { kafkaBrokers?: string; embeddedBroker?: Broker }) | undefined;
  gatewayUrls(): string[];
  readonly layout: { root: string; sqliteFile?: string };
}

export interface ConsoleOptions {
  /** 0 = a free port. */
  port?: number;
  token?: string;
  /** Serve the UI from this folder instead of out/renderer (tests build a fresh one into their temp dir). */
  rendererDir?: string;
  /** Build the UI with Vite when out/renderer is missing (default true). */
  buildIfMissing?: boolean;
  log?: (line: string) => void;
}

export interface RunningConsole extends ApplianceApi {
  /** Every piece the console started, closed in order. */
  close(): Promise<void>;
}

export async function startConsole(
  appliance: SupervisedAppliance,
  options: ConsoleOptions = {},
): Promise<RunningConsole> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  let rendererDir = options.rendererDir ?? findBuiltRenderer();
  if (rendererDir && !options.rendererDir && options.buildIfMissing !== false && isStale(rendererDir)) {
    log('console: the UI sources are newer than the build in out/renderer; rebuilding.');
    rendererDir = null;
  }
  if (!rendererDir && options.buildIfMissing !== false) {
    try {
      rendererDir = await buildRenderer(log);
    } catch (error) {
      log(
        `console: could not build the UI (${error instanceof Error ? error.message : String(error)}); run \`npm run build:console\`. The API still runs.`,
      );
    }
  } else if (!rendererDir) {
    log('console: the UI is not built; run `npm run build:console` (the API runs without it).');
  }

  const kafka = new ApplianceKafkaInspector(() => appliance.infra);
  const presence = new RepoPresence(
    () => appliance.services().find((s) => s.name === 'im-repo' && s.state === 'running')?.addresses.grpc ?? null,
  );
  const seeding = new LogicSeeder(
    () => appliance.services().find((s) => s.name === 'im-logic' && s.state === 'running')?.addresses.grpc ?? null,
  );
  const data = new SqliteDataReader(appliance.layout.sqliteFile ?? join(appliance.layout.root, 'gochat.db'));
  const api = await startApplianceApi({
    control: appliance,
    kafka,
    presence,
    seeding,
    data,
    gatewayUrls: () => appliance.gatewayUrls(),
    port: options.port ?? 0,
    ...(options.token ? { token: options.token } : {}),
    rendererDir: () => rendererDir ?? findBuiltRenderer(),
    infra: () => {
      const infra = appliance.infra;
      if (!infra) return null;
      const components = infra.components.map(({ name, description, address }) => ({ name, description, address }));
      return { kind: infra.kind, reason: infra.reason, components };
    },
    onError: (error) => log(`console: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  });
  return {
    ...api,
    url: api.url,
    port: api.port,
    token: api.token,
    consoleUrl: api.consoleUrl,
    flows: api.flows,
    clients: api.clients,
    async close() {
      await api.close();
      await kafka.close();
      presence.close();
      seeding.close();
      data.close();
    },
  };
}
