// The console's only way to the appliance: HTTP calls under /api and the /api/live WebSocket, both carrying the
// per-run token. In Electron the preload hands over the API address and token; in a browser they come from the
// address the appliance printed (…/?token=…), kept for the tab's lifetime in sessionStorage.
import type {
  ApplianceInfo,
  BrowseResult,
  ClientView,
  FlowHop,
  FlowRun,
  FlowTrace,
  FlowTraceSummary,
  GroupInfo,
  LagSample,
  LiveMessage,
  LogLine,
  PresenceSnapshot,
  RunEvent,
  Recording,
  RecordingStatus,
  ScenarioCheck,
  ServiceStatus,
  TablePage,
  TimelineEvent,
  TopicInfo,
} from './types';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in a plain browser. */
    gochat?: { apiUrl: string; token: string };
  }
}

export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

function connection(): { base: string; token: string } {
  if (window.gochat) return { base: window.gochat.apiUrl.replace(/\/$/, ''), token: window.gochat.token };
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem('gochat.token', fromUrl);
    params.delete('token');
    const rest = params.toString();
    window.history.replaceState(
      null,
      '',
      `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`,
    );
  }
  return { base: window.location.origin, token: fromUrl ?? sessionStorage.getItem('gochat.token') ?? '' };
}

const { base, token } = connection();

export const apiAddress = base;
export const hasToken = token !== '';

async function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiCallError(
      `the appliance API at ${base} did not answer (${error instanceof Error ? error.message : String(error)}); is \`gochat up\` running?`,
      0,
    );
  }
  const json = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok)
    throw new ApiCallError(json.error ?? `${method} ${path} failed with ${response.status}`, response.status);
  return json as T;
}

function qs(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface BrowseQuery {
  from: 'oldest' | 'newest' | 'offset' | 'time';
  offset?: number;
  time?: string;
  partition?: number | 'all';
  key?: string;
  header?: string;
  eventType?: string;
  limit?: number;
  cursor?: string;
}

export const api = {
  info: () => call<ApplianceInfo>('GET', '/api/info'),
  services: () => call<{ services: ServiceStatus[] }>('GET', '/api/services'),
  serviceAction: (name: string, action: 'stop' | 'start' | 'restart') =>
    call<{ ok: true }>('POST', `/api/services/${encodeURIComponent(name)}/${action}`),
  chaos: (name: string, action: 'kill' | 'pause' | 'resume') =>
    call<{ ok: true }>('POST', `/api/services/${encodeURIComponent(name)}/chaos/${action}`),
  consumerLatency: (name: string, ms: number) =>
    call<{ ok: true; ms: number; groups: string[] }>(
      'POST',
      `/api/services/${encodeURIComponent(name)}/chaos/latency`,
      { ms },
    ),
  timeline: () => call<{ events: TimelineEvent[] }>('GET', '/api/timeline'),
  logs: (name: string, level: string, q: string) =>
    call<{ lines: LogLine[] }>('GET', `/api/services/${encodeURIComponent(name)}/logs${qs({ level, q, limit: 1000 })}`),
  topics: () => call<{ topics: TopicInfo[] }>('GET', '/api/topics'),
  groups: () => call<{ groups: GroupInfo[]; history: LagSample[] }>('GET', '/api/groups'),
  eventTypes: () =>
    call<{
      eventTypes: Record<string, string>;
      topics: Record<string, string>;
      messageTypes: string[];
      /** every field of each event type's message at its default (meta is filled in by the API) */
      templates: Record<string, Record<string, unknown>>;
    }>('GET', '/api/event-types'),
  browse: (topic: string, query: BrowseQuery) =>
    call<BrowseResult>(
      'GET',
      `/api/topics/${encodeURIComponent(topic)}/records${qs({ ...query, partition: query.partition === 'all' ? undefined : query.partition })}`,
    ),
  /** The NDJSON export, fetched with the token in a header (a link with it in the URL would keep it in history). */
  exportRecords: async (topic: string, query: BrowseQuery): Promise<Blob> => {
    const path = `/api/topics/${encodeURIComponent(topic)}/export${qs({ ...query, partition: query.partition === 'all' ? undefined : query.partition, limit: undefined, cursor: undefined })}`;
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) {
      const json = (await response.json().catch(() => ({}))) as { error?: string };
      throw new ApiCallError(json.error ?? `GET ${path} failed with ${response.status}`, response.status);
    }
    return response.blob();
  },
  produce: (
    topic: string,
    record: {
      key?: string;
      partition?: number;
      eventType?: string;
      json?: unknown;
      headers?: Record<string, string>;
      /** produce as given: no meta filled in, no check of key or topic */
      raw?: boolean;
    },
  ) => call<{ partition: number; offset: number }>('POST', `/api/topics/${encodeURIComponent(topic)}/records`, record),
  importRecords: (topic: string, records: unknown[]) =>
    call<{ imported: number }>('POST', `/api/topics/${encodeURIComponent(topic)}/import`, { records }),
  presence: () => call<PresenceSnapshot>('GET', '/api/presence'),
  names: (ids: string[]) => call<{ names: Record<string, string> }>('GET', `/api/names${qs({ ids: ids.join(',') })}`),
  tables: () => call<{ tables: { name: string; rows: number }[] }>('GET', '/api/data/tables'),
  table: (name: string, offset: number, limit: number) =>
    call<TablePage>('GET', `/api/data/tables/${encodeURIComponent(name)}${qs({ offset, limit })}`),
  flows: () => call<{ traces: FlowTraceSummary[]; tracing: boolean }>('GET', '/api/flows'),
  /** The flow that carried a message (by its message id or its sender's client message id); none when unknown. */
  flowsOfMessage: (messageId: string) =>
    call<{ traces: FlowTraceSummary[]; tracing: boolean }>('GET', `/api/flows${qs({ messageId })}`),
  flow: (traceId: string) => call<FlowTrace>('GET', `/api/flows/${encodeURIComponent(traceId)}`),
  flowHop: (traceId: string, spanId: string) =>
    call<FlowHop>('GET', `/api/flows/${encodeURIComponent(traceId)}/hops/${encodeURIComponent(spanId)}`),
  /** A flow as a file (mermaid text or SVG), fetched with the token in a header. */
  flowFile: async (traceId: string, format: 'mermaid' | 'svg'): Promise<Blob> => {
    const path = `/api/flows/${encodeURIComponent(traceId)}/${format}`;
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) {
      const json = (await response.json().catch(() => ({}))) as { error?: string };
      throw new ApiCallError(json.error ?? `GET ${path} failed with ${response.status}`, response.status);
    }
    return response.blob();
  },
  clients: () => call<{ clients: ClientView[] }>('GET', '/api/clients'),
  createClients: (username: string, count: number, team?: { friends: boolean; groupSize?: number }) =>
    call<{ clients: ClientView[] }>('POST', '/api/clients', { username, count, ...team }),
  removeClient: (username: string) => call('DELETE', `/api/clients/${encodeURIComponent(username)}`),
  clientAction: (username: string, action: 'connect' | 'disconnect') =>
    call<ClientView>('POST', `/api/clients/${encodeURIComponent(username)}/${action}`),
  send: (username: string, to: { toUserId?: string; groupId?: string; conversationId?: string }, body: string) =>
    call<{ clientMsgId: string; traceId: string }>('POST', `/api/clients/${encodeURIComponent(username)}/send`, {
      ...to,
      body,
    }),
  read: (username: string, conversationId: string) =>
    call<{ readSeq: number }>('POST', `/api/clients/${encodeURIComponent(username)}/read`, { conversationId }),
  addFriend: (username: string, userId: string) =>
    call<ClientView>('POST', `/api/clients/${encodeURIComponent(username)}/friends`, { userId }),
  createGroup: (username: string, name: string, memberIds: string[]) =>
    call<{ groupId: string }>('POST', `/api/clients/${encodeURIComponent(username)}/groups`, { name, memberIds }),
  addGroupMember: (username: string, groupId: string, userId: string) =>
    call<ClientView>(
      'POST',
      `/api/clients/${encodeURIComponent(username)}/groups/${encodeURIComponent(groupId)}/members`,
      { userId },
    ),
  scenarios: () =>
    call<{ dir: string; scenarios: { file: string; name: string; ok: boolean }[] }>('GET', '/api/scenarios'),
  scenarioFile: (file: string) =>
    call<{ file: string; text: string }>('GET', `/api/scenarios/files/${encodeURIComponent(file)}`),
  saveScenario: (file: string, text: string) =>
    call<{ saved: boolean }>('POST', `/api/scenarios/files/${encodeURIComponent(file)}`, { text }),
  recording: () => call<RecordingStatus>('GET', '/api/recording'),
  startRecording: () => call<RecordingStatus>('POST', '/api/recording/start'),
  stopRecording: () => call<Recording & { status: RecordingStatus }>('POST', '/api/recording/stop'),
  lastRecording: () => call<Recording>('GET', '/api/recording/last'),
  checkScenario: (file: string, text: string) => call<ScenarioCheck>('POST', '/api/scenarios/check', { file, text }),
  runScenario: (file: string, text: string) => call<{ runId: string }>('POST', '/api/scenarios/runs', { file, text }),
  scenarioRun: (runId: string) =>
    call<{ runId: string; file: string; events: RunEvent[]; done: boolean }>(
      'GET',
      `/api/scenarios/runs/${encodeURIComponent(runId)}`,
    ),
  runSeedFlow: (flow: string, prefix: string) =>
    call<FlowRun>('POST', `/api/seed-flows/${encodeURIComponent(flow)}`, { prefix }),
};

type Listener = (message: LiveMessage) => void;

/** The /api/live connection: reconnects with backoff, re-sends subscriptions, fans messages out by type. */
class LiveConnection {
  private socket: WebSocket | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly statusListeners = new Set<(connected: boolean) => void>();
  private logs = new Map<string, number>();
  private records = new Map<string, number>();
  private retryMs = 500;
  connected = false;

  start(): void {
    if (this.socket) return;
    const url = `${base.replace(/^http/, 'ws')}/api/live?token=${encodeURIComponent(token)}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 500;
      this.setConnected(true);
      this.sendSubscriptions();
    };
    socket.onmessage = (event) => {
      let message: LiveMessage;
      try {
        message = JSON.parse(String(event.data)) as LiveMessage;
      } catch {
        return;
      }
      for (const listener of this.listeners) listener(message);
    };
    socket.onclose = () => {
      this.socket = null;
      this.setConnected(false);
      setTimeout(() => this.start(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
  }

  private setConnected(connected: boolean): void {
    this.connected = connected;
    for (const listener of this.statusListeners) listener(connected);
  }

  onStatus(listener: (connected: boolean) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reference-counted subscriptions, so two views watching one topic do not cancel each other. */
  subscribe(kind: 'logs' | 'records', name: string): () => void {
    const map = kind === 'logs' ? this.logs : this.records;
    map.set(name, (map.get(name) ?? 0) + 1);
    this.sendSubscriptions();
    return () => {
      const count = (map.get(name) ?? 1) - 1;
      if (count <= 0) map.delete(name);
      else map.set(name, count);
      this.sendSubscriptions();
    };
  }

  private sendSubscriptions(): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(
      JSON.stringify({ type: 'subscribe', logs: [...this.logs.keys()], records: [...this.records.keys()] }),
    );
  }
}

export const live = new LiveConnection();
