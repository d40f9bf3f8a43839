// The appliance API: one HTTP + WebSocket server on loopback that the console UI (in Electron or any browser)
// talks to. Everything it serves comes from the parts passed in, so it runs the same over the real supervisor and
// broker as over test fakes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { newConsoleToken } from './http/auth';
import { createHttpHandler } from './http/http-server';
import { LiveHub } from './live/live-hub';
import { LiveMetrics } from './live/live-metrics';
import type { ApplianceControl, DataReader, InfraSummary, KafkaInspector, PresenceSource, UserSeeding } from './ports';
import { summarize } from './topics/record-decoder';
import { findBuiltRenderer } from './http/renderer-assets';
import { Router } from './http/router';
import { registerServiceRoutes } from './services/routes-services';
import { countingUncommitted } from './topics/group-lag';
import { registerNameRoutes } from './store/routes-names';
import { registerStoreRoutes } from './store/routes-store';
import { registerTopicRoutes } from './topics/routes-topics';
import { FlowTracker } from './flows/flow-tracker';
import { registerFlowRoutes } from './flows/routes-flows';
import { SimulatedClients } from './sim/simulated-clients';
import { registerClientRoutes } from './sim/routes-clients';
import { registerSeedRoutes } from './sim/routes-seed';
import { registerRecordingRoutes } from './sim/routes-recording';
import { SessionRecorder, type ClientSnapshot } from './sim/session-recorder';
import { presenceChangeOf } from './live/presence-changes';
import { RecordBacklog } from './live/record-backlog';
import { RecoveryTimeline } from './services/recovery-timeline';
import { registerScenarioRoutes } from '../scenario/api-routes';

/** Records kept undecoded while no console watches: enough to rebuild the flows the tracker keeps. */
const UNWATCHED_RECORDS = 5000;

export interface ApplianceApiOptions {
  control: ApplianceControl;
  kafka: KafkaInspector;
  presence?: PresenceSource | null;
  /** Bulk creation of users (im-logic's SeedService), for POST /api/seed and the console's "create N users". */
  seeding?: UserSeeding | null;
  data?: DataReader | null;
  /** Base HTTP URLs of the gateways' client APIs ("http://127.0.0.1:port"), for simulated clients. */
  gatewayUrls?: () => string[];
  /** The folder of scenario files for the Scenarios view (default: the project's scenarios/). */
  scenariosDir?: string;
  /** Loopback only; the console is a local tool and the token is its only lock. */
  host?: '127.0.0.1' | '::1' | 'localhost';
  /** 0 = a free port. */
  port?: number;
  token?: string;
  rendererDir?: () => string | null;
  /** The infrastructure in use, or null while it is not running. */
  infra?: () => InfraSummary | null;
  onError?: (error: unknown) => void;
}

export interface ApplianceApi {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** What to open in a browser: the UI with the token in its address. */
  readonly consoleUrl: string;
  readonly flows: FlowTracker;
  readonly clients: SimulatedClients;
  close(): Promise<void>;
}

export async function startApplianceApi(options: ApplianceApiOptions): Promise<ApplianceApi> {
  const host = options.host ?? '127.0.0.1';
  if (!['127.0.0.1', '::1', 'localhost'].includes(host))
    throw new Error(`the appliance API binds to loopback only, not "${host}"`);
  const token = options.token ?? newConsoleToken();
  const router = new Router();
  const { control } = options;
  const kafka = countingUncommitted(options.kafka);

  // Decoding every record for the flow diagrams costs the broker's process more CPU than the broker itself, so
  // while no console is connected the records wait, undecoded, in a bounded backlog; they are decoded when
  // someone looks (a console connects, or the flows are read), without broadcasting what nobody saw live.
  let muteSpans = false;
  const unwatched = new RecordBacklog(UNWATCHED_RECORDS, (records) => {
    muteSpans = true;
    try {
      for (const record of records) flows.observeRecord(record);
    } finally {
      muteSpans = false;
    }
  });
  const hub = new LiveHub(token, () => {
    unwatched.drain();
    return { type: 'hello', services: control.services(), atMs: Date.now() };
  });
  const timeline = new RecoveryTimeline(control.services(), (event) => hub.broadcast({ type: 'timeline', event }));
  const metrics = new LiveMetrics(
    kafka,
    (m) => hub.broadcast(m),
    () => hub.connectionCount > 0,
    1000,
    (groups) => timeline.observeLag(groups),
    () => timeline.recovering(),
  );
  const flows = new FlowTracker(
    (span) => {
      if (!muteSpans) hub.broadcast({ type: 'span', span });
    },
    {
      nameOfUser: (userId) => clients.byUserId(userId)?.username,
      onReported: (traceId) => {
        if (hub.connectionCount > 0) hub.broadcast({ type: 'flow', traceId });
      },
    },
  );
  const recorder: SessionRecorder = new SessionRecorder(
    (): ClientSnapshot[] => clients.snapshot(),
    (status) => hub.broadcast({ type: 'recording', status }),
  );
  const clients: SimulatedClients = new SimulatedClients({
    observer: recorder,
    gatewayUrls: options.gatewayUrls ?? (() => []),
    onChange: (view) => hub.broadcast({ type: 'client', client: view }),
    onRemoved: (username) => hub.broadcast({ type: 'client-removed', username }),
    onFrame: (event) => flows.observeClientFrame(event),
    services: () => control.services(),
  });

  const unsubscribes = [
    control.onStatus((service) => {
      hub.broadcast({ type: 'status', service });
      timeline.observeStatus(service);
    }),
    control.onSpans?.((spans) => flows.observeSpans(spans)) ?? (() => undefined),
    control.onLog((line) => {
      hub.publishLog(line.service, { type: 'log', line });
      timeline.observeLog(line);
      flows.observeLog(line);
    }),
    kafka.onAppend((appended) => {
      metrics.countAppended(appended.topic, appended.count);
      timeline.observeRecords([appended]);
      if (hub.connectionCount === 0) {
        unwatched.add(appended);
        return;
      }
      unwatched.drain();
      const records = appended.records();
      const summaries = records.map(summarize);
      hub.publishRecords(summaries);
      for (const record of records) {
        flows.observeRecord(record);
        const change = presenceChangeOf(record);
        if (change) hub.broadcast({ type: 'presence', change });
      }
    }),
  ];

  registerServiceRoutes(router, control, timeline, (service, action, ms) =>
    recorder.action(null, { kind: 'service', service, action, ...(ms === undefined ? {} : { ms }) }),
  );
  registerTopicRoutes(router, kafka, () => metrics.lagHistory());
  registerStoreRoutes(router, options.presence ?? null, options.data ?? null, () => hub.connectionCount);
  registerNameRoutes(router, options.data ?? null);
  registerFlowRoutes(router, flows, {
    catchUp: () => unwatched.drain(),
    tracing: () => control.tracing?.() ?? false,
  });
  registerClientRoutes(router, clients, options.seeding ?? null);
  registerSeedRoutes(router, options.seeding ?? null);
  registerRecordingRoutes(router, recorder);
  registerScenarioRoutes(router, {
    dir: options.scenariosDir ?? join(import.meta.dirname, '..', '..', 'scenarios'),
    gateways: () =>
      new Map(
        control
          .services()
          .filter((s) => /^gw-\d+$/.test(s.name) && s.state === 'running' && s.addresses.http)
          .map((s) => [s.name, `http://${s.addresses.http}`]),
      ),
    self: () => ({ url, token }),
    broadcast: (message) => hub.broadcast(message),
  });
  router.add('GET', '/api/info', () => ({
    startedAtMs,
    consoles: hub.connectionCount,
    rendererBuilt: rendererDir() !== null,
    infra: options.infra?.() ?? null,
  }));

  const rendererDir = options.rendererDir ?? (() => findBuiltRenderer());
  let url = '';
  const startedAtMs = Date.now();
  const server: Server = createServer(
    createHttpHandler({ token, router, rendererDir, onError: (error) => options.onError?.(error) }),
  );
  server.on('upgrade', (request, socket, head) => hub.handleUpgrade(request, socket, head));
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  metrics.start();
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    token,
    consoleUrl: `${url}/?token=${encodeURIComponent(token)}`,
    flows,
    clients,
    async close() {
      for (const unsubscribe of unsubscribes) unsubscribe();
      metrics.stop();
      recorder.close();
      await clients.closeAll();
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
