// The simulated users the console drives, living in the appliance API process so that a browser tab closing does
// not take them away. Each connects to a gateway in turn (round robin), so flows cross gateways.
import type { ServiceStatus } from '../ports';
import { BadRequestError, NotFoundError, UnavailableError } from '../http/errors';
import type { ClientFrameEvent } from '../flows/flow-tracker';
import { SimulatedClient } from './simulated-client';
import type { ClientView } from './views';
import type { ClientSnapshot, SessionObserver } from './session-recorder';

export interface SimulatedClientsOptions {
  gatewayUrls: () => string[];
  onChange: (view: ClientView) => void;
  onRemoved: (username: string) => void;
  onFrame: (event: ClientFrameEvent) => void;
  /** Every process's status, to say what a pending send waits for (absent: sends only say how long). */
  services?: () => ServiceStatus[];
  /** Told every client's actions and received frames, for a recording of the session. */
  observer?: SessionObserver;
}

/** A send without an ack after this long says what it waits for. */
const PENDING_AFTER_MS = 1000;

const USERNAME = /^[a-z0-9_.-]{3,32}$/;
const MAX_CLIENTS = 200;

const who = (c: SimulatedClient) => ({ username: c.username, userId: c.userId, gatewayId: c.gatewayId });

export class SimulatedClients {
  private readonly clients = new Map<string, SimulatedClient>();
  private nextGateway = 0;
  private pendingChanges = new Set<SimulatedClient>();
  private changeTimer: NodeJS.Timeout | null = null;

  private readonly pendingCheck: NodeJS.Timeout;

  constructor(private readonly options: SimulatedClientsOptions) {
    this.pendingCheck = setInterval(() => this.explainPendingSends(), 500);
    this.pendingCheck.unref();
  }

  /**
   * Names, in each send still waiting for its ack, the first process on its ack path that is not serving: the
   * client's gateway, Kafka, im-logic, im-repo (the path of docs/architecture.md). When all serve, says how long.
   */
  private explainPendingSends(): void {
    const now = Date.now();
    const statuses = this.options.services?.() ?? [];
    for (const client of this.clients.values()) {
      const onPath = [client.gatewayId, 'kafka', 'im-logic', 'im-repo'];
      const down = onPath
        .map((name) => statuses.find((s) => s.name === name))
        .find((s) => s && (s.paused || s.state !== 'running' || s.health === 'not_serving'));
      const reason = down
        ? `${down.name} is ${down.paused ? 'paused' : down.state === 'running' ? 'not serving' : down.state}`
        : null;
      client.explainPending(now - PENDING_AFTER_MS, (waitedMs) =>
        reason
          ? `waiting: ${reason}`
          : `waiting ${Math.round(waitedMs / 1000)} s for the ack; every process on its path is up`,
      );
    }
  }

  list(): ClientView[] {
    return [...this.clients.values()].map((c) => c.view());
  }

  get(username: string): SimulatedClient {
    const client = this.clients.get(username);
    if (!client) throw new NotFoundError(`no simulated client "${username}"; create it first`);
    return client;
  }

  /** Who each client is, whether it is connected, its friends and groups: a recording's starting point. */
  snapshot(): ClientSnapshot[] {
    return [...this.clients.values()].map((c) => ({
      username: c.username,
      userId: c.userId,
      gatewayId: c.gatewayId,
      connected: c.connected,
      friendIds: [...c.friends.keys()],
      groups: [...c.groups.values()].map((g) => ({ groupId: g.groupId, name: g.name })),
    }));
  }

  has(username: string): boolean {
    return this.clients.has(username);
  }

  byUserId(userId: string): SimulatedClient | undefined {
    return [...this.clients.values()].find((c) => c.userId === userId);
  }

  /** Creates (or returns) a signed-in simulated user; `seeded` is its id and token when the bulk seeding made it. */
  async create(username: string, seeded?: { userId: string; token: string }): Promise<SimulatedClient> {
    if (!USERNAME.test(username))
      throw new BadRequestError(`username must be 3-32 characters of a-z 0-9 _ . -, got "${username}"`);
    const existing = this.clients.get(username);
    if (existing) {
      if (!existing.connected) await existing.connect();
      return existing;
    }
    if (this.clients.size >= MAX_CLIENTS) throw new BadRequestError(`at most ${MAX_CLIENTS} simulated clients at once`);
    const gateways = this.options.gatewayUrls();
    if (gateways.length === 0)
      throw new UnavailableError('no gateway is running: start im-gateway from the Overview first');
    const gatewayUrl = gateways[this.nextGateway++ % gateways.length]!;
    const client = new SimulatedClient(username, gatewayUrl, {
      onChange: (c) => this.scheduleChange(c),
      onFrame: (event) => this.options.onFrame(event),
      nameOf: (userId) => this.byUserId(userId)?.username,
      onAction: (c, action, atMs) => this.options.observer?.action(who(c), action, atMs),
      onInbound: (c, frame) => this.options.observer?.frame(who(c), frame),
      onMessage: (receiver, frame) => {
        const message = frame.message;
        if (message?.senderId && message.messageId && message.senderId !== receiver.userId)
          this.byUserId(message.senderId)?.markDelivered(message.messageId, receiver.userId);
      },
    });
    this.clients.set(username, client);
    try {
      await client.signIn(seeded);
    } catch (error) {
      this.clients.delete(username);
      await client.disconnect().catch(() => undefined);
      throw new UnavailableError(
        `could not sign in ${username} at ${gatewayUrl}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    return client;
  }

  async remove(username: string): Promise<void> {
    const client = this.get(username);
    this.clients.delete(username);
    await client.disconnect();
    this.options.onRemoved(username);
  }

  /** Coalesces bursts of changes to one push per client per 50 ms. */
  private scheduleChange(client: SimulatedClient): void {
    this.pendingChanges.add(client);
    this.changeTimer ??= setTimeout(() => {
      this.changeTimer = null;
      const changed = this.pendingChanges;
      this.pendingChanges = new Set();
      for (const c of changed) if (this.clients.get(c.username) === c) this.options.onChange(c.view());
    }, 50);
  }

  async closeAll(): Promise<void> {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    clearInterval(this.pendingCheck);
    await Promise.all([...this.clients.values()].map((c) => c.disconnect().catch(() => undefined)));
    this.clients.clear();
  }
}
