// gochat up: runs the supervisor in the foreground until Ctrl-C, SIGTERM or `gochat down`.
import type { InfraMode } from '../../infra/providers/infra';
import { preferredOrFreePorts } from '../../infra/providers/free-port';
import { giveBrokerHeapRoom } from '../../infra/kafka-broker/process-heap';
import { startConsole } from '../api/start-console';
import { startAdminServer } from '../supervisor/admin-server';
import { ApplianceAlreadyRunningError } from '../supervisor/data-dir';
import { seedDemoData } from '../supervisor/seed';
import { Supervisor } from '../supervisor/supervisor';

export interface UpOptions {
  infra: InfraMode;
  dataDir: string;
  gateways: number;
  adminPort: number;
  seed: boolean;
  logLevel: string;
  /** Build the console UI with Vite when it is missing (default true). */
  consoleBuild?: boolean;
  /** Services export their spans for the flow view (default: GOCHAT_TRACING=on, else off). */
  tracing?: boolean;
}

/** Whatever serves the admin port: the console's appliance API, or the minimal status endpoint. */
interface AdminEndpoint {
  url: string;
  port: number;
  consoleUrl: string;
  close(): Promise<void>;
}

function portInUse(port: number): Error {
  return new Error(`admin port ${port} on 127.0.0.1 is in use; pass --admin-port 0 for a free port, or another port`);
}

/**
 * The console's API on the admin port. If it cannot start for any reason but a taken port, the appliance still
 * runs, with the minimal GET /api/status endpoint, so a console problem never takes the backend down.
 */
async function startAdminEndpoint(supervisor: Supervisor, opts: UpOptions): Promise<AdminEndpoint> {
  try {
    const api = await startConsole(supervisor, {
      port: opts.adminPort,
      buildIfMissing: opts.consoleBuild ?? true,
      log: say,
    });
    return api;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw portInUse(opts.adminPort);
    say(`console: could not start (${(err as Error).message}); serving only GET /api/status on the admin port`);
  }
  try {
    const minimal = await startAdminServer(opts.adminPort, () => supervisor.record());
    return { ...minimal, consoleUrl: `${minimal.url}/` };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw portInUse(opts.adminPort);
    throw err;
  }
}

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

export async function runUp(opts: UpOptions): Promise<number> {
  // The supervisor hosts the embedded broker (and, with other infra, still the console's API: the same reasoning)
  giveBrokerHeapRoom();
  const supervisor = new Supervisor({
    dataDir: opts.dataDir,
    infra: opts.infra,
    gateways: opts.gateways,
    logLevel: opts.logLevel,
    ...(opts.tracing ? { tracing: true } : {}),
    progress: say,
  });
  let admin: AdminEndpoint | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (why: string): Promise<void> => {
    stopping ??= (async () => {
      say(`stopping (${why})`);
      await admin?.close();
      await supervisor.shutdown();
      say('stopped');
    })();
    return stopping;
  };
  const stopped = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        say(`${signal} again: killing the services now`);
        process.exit(1);
      }
      void stop(signal).then(resolve, (err: Error) => {
        say(`shutdown failed: ${err.message}`);
        process.exit(1);
      });
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  });

  try {
    say(`gochat up: data dir ${supervisor.layout.root}, infra ${opts.infra}, ${opts.gateways} gateway(s)`);
    // The admin port first: a clash is reported before anything heavy starts. "Any free port" prefers the one
    // the previous run on this data dir had, so the console URL survives a restart.
    const adminPort =
      opts.adminPort === 0 ? ((await preferredOrFreePorts([supervisor.previousPorts.admin]))[0] ?? 0) : opts.adminPort;
    admin = await startAdminEndpoint(supervisor, { ...opts, adminPort });
    await supervisor.startAll();
    const consoleUrl = admin.consoleUrl;
    supervisor.setAdminEndpoint({ url: admin.url, port: admin.port }, consoleUrl);
    const gatewayUrl = supervisor.gatewayUrls()[0];
    if (opts.seed && gatewayUrl) {
      try {
        await seedDemoData(supervisor.layout, gatewayUrl, say);
      } catch (err) {
        say(`seed: failed, the appliance runs without demo data: ${(err as Error).message}`);
      }
    }
    if (stopping) {
      await stopping;
      return 0;
    }
    for (const url of supervisor.gatewayUrls()) say(`gateway: ${url} (WebSocket ${url.replace('http', 'ws')}/ws)`);
    say(`ready: console ${consoleUrl} (infra: ${supervisor.infra?.kind ?? 'none'})`);
  } catch (err) {
    if (stopping) {
      await stopping; // Interrupted by a signal while starting: not a failure.
      return 0;
    }
    await admin?.close();
    await supervisor.shutdown();
    const message =
      err instanceof ApplianceAlreadyRunningError ? err.message : `gochat up failed: ${(err as Error).message}`;
    process.stderr.write(`${message}\n`);
    return 1;
  }
  await stopped;
  return 0;
}
