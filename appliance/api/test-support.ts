// In-memory ApplianceControl for the API's own tests (the real one is the supervisor's).
import type {
  AppendedRecords,
  ApplianceControl,
  BrokerRecord,
  GroupInfo,
  KafkaInspector,
  LogLine,
  ServiceStatus,
  TopicInfo,
  Unsubscribe,
} from './ports';

export class FakeControl implements ApplianceControl {
  readonly calls: string[] = [];
  private readonly statusListeners = new Set<(s: ServiceStatus) => void>();
  private readonly logListeners = new Set<(l: LogLine) => void>();
  readonly lines: LogLine[] = [];
  readonly statuses = new Map<string, ServiceStatus>();

  constructor(names: string[]) {
    for (const name of names) {
      this.statuses.set(name, {
        name,
        kind: 'service',
        state: 'running',
        health: 'serving',
        pid: 1000 + this.statuses.size,
        port: null,
        addresses: { grpc: `127.0.0.1:${5000 + this.statuses.size}` },
        startedAtMs: Date.now(),
        restarts: 0,
      });
    }
  }

  services(): ServiceStatus[] {
    return [...this.statuses.values()];
  }

  private set(name: string, change: Partial<ServiceStatus>): void {
    const next = { ...this.statuses.get(name)!, ...change };
    this.statuses.set(name, next);
    for (const listener of this.statusListeners) listener(next);
  }

  async stop(name: string): Promise<void> {
    this.calls.push(`stop ${name}`);
    this.set(name, { state: 'stopped', pid: null });
  }

  async start(name: string): Promise<void> {
    this.calls.push(`start ${name}`);
    this.set(name, { state: 'running', pid: 2000 });
  }

  async chaos(name: string, action: 'kill' | 'pause' | 'resume'): Promise<void> {
    this.calls.push(`${action} ${name}`);
    if (action === 'kill') this.set(name, { state: 'crashed', pid: null, paused: false });
    else this.set(name, { paused: action === 'pause' });
  }

  async consumerLatency(name: string, ms: number): Promise<{ ms: number; groups: string[] }> {
    this.calls.push(`latency ${name} ${ms}`);
    this.set(name, { consumerLatencyMs: ms > 0 ? ms : undefined });
    return { ms, groups: [name] };
  }

  async restart(name: string): Promise<void> {
    this.calls.push(`restart ${name}`);
    this.set(name, { state: 'running', restarts: this.statuses.get(name)!.restarts + 1 });
  }

  logs(name: string): LogLine[] {
    return this.lines.filter((l) => l.service === name);
  }

  log(line: LogLine): void {
    this.lines.push(line);
    for (const listener of this.logListeners) listener(line);
  }

  onStatus(listener: (s: ServiceStatus) => void): Unsubscribe {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onLog(listener: (l: LogLine) => void): Unsubscribe {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }
}

/** Already decoded records as runs of one topic each, in order. */
export function appendedRuns(records: readonly BrokerRecord[]): AppendedRecords[] {
  const runs: BrokerRecord[][] = [];
  for (const record of records) {
    const run = runs.at(-1);
    if (run && run[0]?.topic === record.topic) run.push(record);
    else runs.push([record]);
  }
  return runs.map((run) => ({ topic: run[0]?.topic ?? '', count: run.length, records: () => run }));
}

/** In-memory KafkaInspector: tests append records by hand and watch what the API does with them. */
export class FakeKafka implements KafkaInspector {
  private readonly listeners = new Set<(appended: AppendedRecords) => void>();
  readonly records: BrokerRecord[] = [];

  append(records: BrokerRecord[]): void {
    this.records.push(...records);
    for (const run of appendedRuns(records)) for (const listener of this.listeners) listener(run);
  }

  listTopics(): Promise<TopicInfo[]> {
    const topics = new Map<string, Map<number, number>>();
    for (const r of this.records) {
      const partitions = topics.get(r.topic) ?? new Map<number, number>();
      partitions.set(r.partition, Math.max(partitions.get(r.partition) ?? 0, r.offset + 1));
      topics.set(r.topic, partitions);
    }
    return Promise.resolve(
      [...topics].map(([name, partitions]) => ({
        name,
        partitions: [...partitions].map(([partition, highWatermark]) => ({
          partition,
          lowWatermark: 0,
          highWatermark,
        })),
      })),
    );
  }

  describeGroups(): Promise<GroupInfo[]> {
    return Promise.resolve([]);
  }

  readRecords(topic: string, partition: number, fromOffset: number, max: number): Promise<BrokerRecord[]> {
    return Promise.resolve(
      this.records
        .filter((r) => r.topic === topic && r.partition === partition && r.offset >= fromOffset)
        .slice(0, max),
    );
  }

  produce(): Promise<{ partition: number; offset: number }> {
    return Promise.reject(new Error('FakeKafka does not produce'));
  }

  onAppend(listener: (appended: AppendedRecords) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
