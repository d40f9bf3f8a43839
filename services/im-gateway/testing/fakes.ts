// In-memory implementations of the gateway's own ports, for unit tests.
import type { ChatMessage, SystemSignalMessage } from '../../../proto/gen/gochat/common/v1/common';
import type { MessageUpstream, UserOffline, UserOnline } from '../../../proto/gen/gochat/events/v1/events';
import { Unauthenticated, Unavailable } from '../../../lib/errors';
import { currentTraceparent } from '../../../lib/telemetry';
import type { ClientLink, GatewayEventPublisher, LogicApi, PresenceRegistry, SendAck } from '../domain/ports';

export class FakePresence implements PresenceRegistry {
  readonly conns = new Map<string, Set<string>>();
  failOnline = false;
  gateways: { grpcAddress: string; publicAddress: string }[] = [];
  heartbeats = 0;
  expireOnNextHeartbeat: string[] = [];

  /** Runs inside setOnline before it records anything; lets a test hold a connection mid-open. */
  beforeOnline: (userId: string) => Promise<void> = async () => undefined;

  async setOnline(userId: string, connId: string) {
    await this.beforeOnline(userId);
    if (this.failOnline) throw new Error('redis down');
    const set = this.conns.get(userId) ?? new Set<string>();
    this.conns.set(userId, set);
    const firstConnection = set.size === 0;
    set.add(connId);
    return { firstConnection };
  }

  async setOffline(userId: string, connId: string) {
    const set = this.conns.get(userId);
    const had = set?.delete(connId) ?? false;
    const lastConnection = had && set!.size === 0;
    if (set && set.size === 0) this.conns.delete(userId);
    return { lastConnection };
  }

  async heartbeat(connections: { userId: string; connId: string }[]) {
    this.heartbeats += 1;
    // Like the real store: only connections still on record are renewed.
    const renewed = connections.filter((c) => this.conns.get(c.userId)?.has(c.connId)).length;
    return { renewed, expiredUserIds: this.expireOnNextHeartbeat.splice(0) };
  }

  async registerGateway(grpcAddress: string, publicAddress: string) {
    this.gateways.push({ grpcAddress, publicAddress });
  }
}

export type PublishedEvent =
  | { type: 'user.online'; event: Omit<UserOnline, 'meta'> }
  | { type: 'user.offline'; event: Omit<UserOffline, 'meta'> }
  // traceparent: the work in progress at the publish, whose trace the Kafka adapter's record joins.
  | { type: 'message.upstream'; event: Omit<MessageUpstream, 'meta'>; key: string; traceparent: string | undefined };

export class FakeEvents implements GatewayEventPublisher {
  readonly published: PublishedEvent[] = [];
  private waiters: { pred: (e: PublishedEvent) => boolean; resolve: (e: PublishedEvent) => void }[] = [];

  /** The first published event matching pred, already published or still to come. */
  next(pred: (e: PublishedEvent) => boolean, timeoutMs = 3000): Promise<PublishedEvent> {
    const seen = this.published.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching event published in time')), timeoutMs);
      this.waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  private record(e: PublishedEvent): void {
    this.published.push(e);
    this.waiters = this.waiters.filter((w) => (w.pred(e) ? (w.resolve(e), false) : true));
  }
  failUpstream = false;
  /** Resolved by tests to let a publish finish later. */
  gate: Promise<void> = Promise.resolve();

  async publishUserOnline(event: Omit<UserOnline, 'meta'>) {
    await this.gate;
    this.record({ type: 'user.online', event });
  }
  async publishUserOffline(event: Omit<UserOffline, 'meta'>) {
    this.record({ type: 'user.offline', event });
  }
  /** Resolved by tests to let upstream publishes be answered later (each is recorded when it is made). */
  upstreamGate: Promise<void> = Promise.resolve();
  async publishUpstream(event: Omit<MessageUpstream, 'meta'>, key: string) {
    if (this.failUpstream) throw new Error('broker unreachable');
    this.record({ type: 'message.upstream', event, key, traceparent: currentTraceparent() });
    await this.upstreamGate;
  }
}

/** A ClientLink that records what it was given. */
export class RecordingLink implements ClientLink {
  readonly received: (
    | { kind: 'message'; message: ChatMessage }
    | { kind: 'signal'; signal: SystemSignalMessage }
    | { kind: 'ack'; ack: SendAck }
    | { kind: 'error'; clientMsgId: string; code: string }
    | { kind: 'goAway' }
  )[] = [];
  readonly connectedAtMs = 0;
  readonly remoteAddress = '127.0.0.1';

  constructor(
    readonly connId: string,
    readonly userId: string,
  ) {}

  pushMessage(message: ChatMessage) {
    this.received.push({ kind: 'message', message });
  }
  pushSignal(signal: SystemSignalMessage) {
    this.received.push({ kind: 'signal', signal });
  }
  acknowledgeSend(ack: SendAck) {
    this.received.push({ kind: 'ack', ack });
  }
  rejectSend(clientMsgId: string, code: string) {
    this.received.push({ kind: 'error', clientMsgId, code });
  }
  goAway() {
    this.received.push({ kind: 'goAway' });
  }
}

/**
 * A LogicApi whose users are the tokens themselves ("token-alice" -> alice; "token-alice@<epoch ms>" expires then). Calls not given a behaviour fail
 * with Unavailable, so a test sees at once which call it did not expect.
 */
export function fakeLogic(overrides: Partial<LogicApi> = {}): LogicApi & { calls: { method: string; req: unknown }[] } {
  const calls: { method: string; req: unknown }[] = [];
  const base: Partial<LogicApi> = {
    verify: async (token: string) => {
      const m = /^token-(\w+)(?:@(\d+))?$/.exec(token);
      if (!m) throw new Unauthenticated('token is not valid');
      const expiry = m[2] !== undefined ? { expiresAtMs: Number(m[2]) } : {};
      return { userId: m[1]!, username: m[1]!, displayName: m[1]!, createdAtMs: 1, ...expiry };
    },
    ...overrides,
  };
  return new Proxy({ calls } as LogicApi & { calls: typeof calls }, {
    get(_target, prop: string) {
      if (prop === 'calls') return calls;
      const impl = base[prop as keyof LogicApi] as ((req: unknown) => Promise<unknown>) | undefined;
      return async (req: unknown) => {
        calls.push({ method: prop, req });
        if (!impl) throw new Unavailable(`fake logic has no ${prop}`);
        return impl(req);
      };
    },
  });
}
