// In-memory ApplianceControl for the API's own tests (the real one is the supervisor's).
import type { ApplianceControl, LogLine, ServiceStatus, Unsubscribe } from './ports';

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
