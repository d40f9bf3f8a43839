// The Overview's events timeline: kills, crashes, pauses, consumer latency, handler retries, and the recovery
// that follows each fault, timed from the fault: serving again, acks flowing again (the first record on the
// downstream topic, which carries every ack, once the process is back), and its consumer groups caught up (lag
// back to 0). Built from what the API sees anyway (status changes, log lines, appended records, lag samples),
// so it tells the same story whether the fault came from the console, the CLI or a real crash.
import type { GroupInfo, LogLine, ServiceStatus } from '../ports';
import type { TimelineEvent, TimelineKind } from '../contract';
export type { TimelineEvent, TimelineKind };

interface OpenFault {
  label: string;
  atMs: number;
  /** An ack (downstream record) seen while the process was still out: acks never depended on it. */
  acksDuringFault: boolean;
  /** When the process was serving again (and not paused, and without latency); undefined while it is not. */
  backAtMs?: number;
  acks: boolean;
  caughtUp: boolean;
}

const KEEP = 200;
/** A crash this soon after a kill request is that kill. */
const KILL_MATCH_MS = 5000;
/** Retries of one service closer together than this are counted into one event. */
const RETRY_BURST_MS = 5000;
const ACK_TOPIC = 'gochat.messages.downstream';
const RETRY_LINE = 'event handler failed; will retry';
/** A fault still open after this long (no traffic to show acks) stops being watched. */
const WATCH_RECOVERY_MS = 5 * 60_000;

export class RecoveryTimeline {
  private readonly events: TimelineEvent[] = [];
  private nextId = 1;
  private readonly last = new Map<string, ServiceStatus>();
  private readonly killRequested = new Map<string, number>();
  private readonly faults = new Map<string, OpenFault>();
  private readonly retrying = new Map<string, TimelineEvent>();
  private groupIds: string[] = [];

  constructor(
    services: ServiceStatus[],
    private readonly push: (event: TimelineEvent) => void,
    private readonly now: () => number = Date.now,
  ) {
    for (const service of services) this.last.set(service.name, service);
  }

  list(): TimelineEvent[] {
    return [...this.events];
  }

  /** True while some fault awaits its recovery, so lag is worth sampling with no console watching. */
  recovering(): boolean {
    return this.faults.size > 0;
  }

  /** A kill asked for through the API: the crash that follows is reported as this kill. */
  killRequestedFor(service: string): void {
    this.killRequested.set(service, this.now());
  }

  observeStatus(next: ServiceStatus): void {
    const before = this.last.get(next.name);
    this.last.set(next.name, next);
    const name = next.name;
    if (next.state === 'crashed' && before?.state !== 'crashed') {
      const killedAt = this.killRequested.get(name);
      this.killRequested.delete(name);
      const killed = killedAt !== undefined && this.now() - killedAt < KILL_MATCH_MS;
      const how = killed ? 'killed (SIGKILL)' : `crashed (exit ${String(next.lastExitCode ?? 'by signal')})`;
      this.fault(name, killed ? 'kill' : 'crash', killed ? 'the kill' : 'the crash', `${how}; restarting`);
    } else if (next.state === 'stopped' && before && before.state !== 'stopped' && before.state !== 'crashed') {
      this.fault(name, 'stop', 'the stop', 'stopped');
    }
    if (next.paused && !before?.paused) this.fault(name, 'pause', 'the pause', 'paused (SIGSTOP)');
    if (!next.paused && before?.paused && next.state === 'running') this.add(name, 'resume', 'resumed (SIGCONT)');
    const latency = next.consumerLatencyMs ?? 0;
    const latencyBefore = before?.state === 'running' ? (before.consumerLatencyMs ?? 0) : 0;
    if (latency !== latencyBefore && next.state === 'running') {
      if (latency > 0) this.fault(name, 'latency', 'the latency', `consumer latency ${latency} ms per batch`);
      else this.add(name, 'latency', 'consumer latency cleared');
    }
    const fault = this.faults.get(name);
    const back = next.state === 'running' && next.health === 'serving' && !next.paused && latency === 0;
    if (fault && back && fault.backAtMs === undefined) {
      fault.backAtMs = this.now();
      const since = fault.backAtMs - fault.atMs;
      this.add(name, 'healthy', `serving normally ${seconds(since)} after ${fault.label}`, since);
      if (fault.acksDuringFault && !fault.acks) {
        fault.acks = true;
        this.add(name, 'acks', `acks kept flowing throughout ${fault.label}: not on the ack path`);
        this.closeIfRecovered(name, fault);
      }
    } else if (fault && !back) fault.backAtMs = undefined;
  }

  observeRecords(records: readonly { topic: string }[]): void {
    if (this.faults.size === 0 || !records.some((r) => r.topic === ACK_TOPIC)) return;
    for (const [name, fault] of this.faults) {
      // A second in, records produced before the fault have landed: an ack now means acks go on without it.
      if (fault.backAtMs === undefined && this.now() - fault.atMs > 1000) fault.acksDuringFault = true;
      if (fault.backAtMs === undefined || fault.acks) continue;
      fault.acks = true;
      const since = this.now() - fault.atMs;
      // Without traffic during the fault, whether acks stopped is unknown: this is the first since it was back.
      this.add(name, 'acks', `first ack since it was back, ${seconds(since)} after ${fault.label}`, since);
      this.closeIfRecovered(name, fault);
    }
  }

  observeLag(groups: GroupInfo[]): void {
    this.groupIds = groups.map((g) => g.groupId);
    for (const [name, fault] of this.faults) {
      if (this.now() - fault.atMs > WATCH_RECOVERY_MS) this.faults.delete(name);
      if (fault.backAtMs === undefined || fault.caughtUp) continue;
      const own = groups.filter((g) => groupBelongsTo(g.groupId, name));
      const lag = own.reduce((sum, g) => sum + g.partitions.reduce((s, p) => s + p.lag, 0), 0);
      if (own.length === 0 || lag > 0) continue;
      fault.caughtUp = true;
      const since = this.now() - fault.atMs;
      const afterBack = this.now() - fault.backAtMs;
      const text = `consumer lag back to 0 ${seconds(since)} after ${fault.label} (${seconds(afterBack)} after it was back)`;
      this.add(name, 'caught-up', text, since);
      this.closeIfRecovered(name, fault);
    }
  }

  observeLog(line: LogLine): void {
    if (line.msg !== RETRY_LINE) return;
    const current = this.retrying.get(line.service);
    if (current && this.now() - current.atMs < RETRY_BURST_MS) {
      current.count = (current.count ?? 1) + 1;
      current.atMs = this.now();
      current.text = `event handler failing, retried ${current.count} times`;
      this.push({ ...current });
      return;
    }
    this.retrying.set(
      line.service,
      this.add(line.service, 'retrying', 'event handler failing, retrying', undefined, 1),
    );
  }

  private fault(service: string, kind: TimelineKind, label: string, text: string): void {
    const atMs = this.now();
    // A fault on top of an open one (a pause, then a kill) is timed from the newer.
    this.faults.set(service, { label, atMs, acks: false, acksDuringFault: false, caughtUp: false });
    this.add(service, kind, text);
  }

  private closeIfRecovered(service: string, fault: OpenFault): void {
    const hasGroups = this.groupIds.some((id) => groupBelongsTo(id, service));
    if (fault.acks && (fault.caughtUp || !hasGroups)) this.faults.delete(service);
  }

  private add(service: string, kind: TimelineKind, text: string, sinceFaultMs?: number, count?: number): TimelineEvent {
    const event: TimelineEvent = { id: this.nextId++, atMs: this.now(), service, kind, text };
    if (sinceFaultMs !== undefined) event.sinceFaultMs = sinceFaultMs;
    if (count !== undefined) event.count = count;
    this.events.push(event);
    if (this.events.length > KEEP) this.events.shift();
    this.push({ ...event });
    return event;
  }
}

/** The consumer groups a supervised process runs: im-logic, im-task, and a gateway's im-gateway.<its id>. */
export function groupBelongsTo(groupId: string, service: string): boolean {
  return groupId === service || groupId === `im-gateway.${service}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
