// The actions a step can take, as a chat client would: connect each device and keep what it receives, send and
// wait for the ack, read up to the newest seq it has, catch up after a reconnect (docs/protocol.md), add a member.
import { newTrace } from '../../../lib/trace';
import { StepFailure } from './events';
import { interpolate, textOf, type Lookup } from './interpolate';
import type { ChatGateways, ServerFrame } from './ports';
import type { ActorUser, Device, Roster } from './roster';
import { waitUntil } from './signal';

const REPLY_WITHIN_MS = 10_000;

function p2p(a: string, b: string): string {
  return a < b ? `p2p:${a}:${b}` : `p2p:${b}:${a}`;
}

export class StepActions {
  private sent = 0;

  constructor(
    private readonly roster: Roster,
    private readonly gateways: ChatGateways,
    private readonly runId: string,
  ) {}

  private users(refs: string[], lookup: Lookup): ActorUser[] {
    return [...new Set(refs.flatMap((ref) => this.roster.resolve(ref, lookup)))];
  }

  private async open(user: ActorUser, device: Device): Promise<void> {
    if (device.connection) return;
    device.closedBy = null;
    device.connection = await this.gateways.connect(user.gateway, user.token, {
      onFrame: (frame) => user.received(device, frame),
      onClose: (code, reason) => {
        device.connection = null;
        device.closedBy = `closed by the gateway (${code}${reason ? ` ${reason}` : ''})`;
        user.arrivals.notify();
      },
    });
  }

  /** All at once: a counted actor connecting is a burst of connections, as a presence storm should be. */
  async connect(refs: string[], lookup: Lookup): Promise<string> {
    const users = this.users(refs, lookup);
    const failures: string[] = [];
    await Promise.all(
      users.flatMap((user) =>
        user.devices.map((device) =>
          this.open(user, device).catch((error: Error) => {
            failures.push(`${user.name} device ${device.number}: ${error.message}`);
          }),
        ),
      ),
    );
    if (failures.length > 0)
      throw new StepFailure(
        'every device to connect',
        `${failures.length} failed; first: ${failures[0]}`,
        failures[0]?.split(' ')[0],
      );
    const devices = users.reduce((n, u) => n + u.devices.length, 0);
    return `${users.length} user${users.length === 1 ? '' : 's'}, ${devices} connection${devices === 1 ? '' : 's'} (hello received)`;
  }

  async disconnect(refs: string[], lookup: Lookup): Promise<string> {
    const users = this.users(refs, lookup);
    await Promise.all(users.flatMap((user) => user.devices.map((device) => this.close(device))));
    return `${users.length} user${users.length === 1 ? '' : 's'} disconnected`;
  }

  private async close(device: Device): Promise<void> {
    const connection = device.connection;
    device.connection = null;
    await connection?.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all(
      this.roster.all().flatMap((user) => user.devices.map((device) => this.close(device).catch(() => undefined))),
    );
  }

  private device(user: ActorUser): Device {
    const device = user.connected();
    if (!device)
      throw new StepFailure(
        `${user.name} to be connected`,
        user.devices[0]?.closedBy ?? 'not connected (add a connect step)',
        user.name,
      );
    return device;
  }

  /** The frame answering one sent with this id (ack, read.ack, synced or error), on that device. */
  private async reply(
    user: ActorUser,
    device: Device,
    match: (frame: ServerFrame) => boolean,
    ms: number,
    what: string,
  ): Promise<ServerFrame> {
    const from = device.log.length;
    const found = await waitUntil(
      () => device.log.slice(from).find((entry) => match(entry.frame))?.frame ?? (device.connection ? undefined : null),
      ms,
      (left) => user.arrivals.next(left),
    );
    if (found === null) throw new StepFailure(what, device.closedBy ?? 'the connection closed', user.name);
    if (!found) throw new StepFailure(`${what} within ${ms} ms`, 'no answer', user.name);
    if (found.type === 'error')
      throw new StepFailure(what, `error ${String(found.code)}: ${String(found.message)}`, user.name);
    return found;
  }

  async send(
    step: { from: string; to?: string; group?: string; body?: string; ackWithinMs: number | string },
    lookup: Lookup,
  ): Promise<{ detail: string; traceIds: string[] }> {
    const sender = this.roster.one(step.from, lookup);
    const device = this.device(sender);
    this.sent += 1;
    const clientMsgId = `sc-${this.runId}-${this.sent}`;
    const to = step.to
      ? { userId: this.roster.one(step.to, lookup).userId }
      : { groupId: this.roster.group(step.group!, lookup).id };
    const body =
      step.body === undefined ? `message ${this.sent} of run ${this.runId}` : textOf(interpolate(step.body, lookup));
    const trace = newTrace();
    device.connection!.send({ type: 'send', id: clientMsgId, clientMsgId, to, body, traceparent: trace.traceparent });
    const ms = typeof step.ackWithinMs === 'number' ? step.ackWithinMs : Number(interpolate(step.ackWithinMs, lookup));
    const ack = await this.reply(
      sender,
      device,
      (f) => (f.type === 'ack' || f.type === 'error') && f.clientMsgId === clientMsgId,
      ms,
      `an ack for the send`,
    );
    return {
      detail: `acked: ${this.roster.readable(ack.conversationId)} seq ${String(ack.seq)}`,
      traceIds: [trace.traceId],
    };
  }

  async read(
    step: { actor: string; with?: string; group?: string },
    lookup: Lookup,
  ): Promise<{ detail: string; traceIds: string[] }> {
    const reader = this.roster.one(step.actor, lookup);
    const device = this.device(reader);
    const conversationId = step.with
      ? p2p(reader.userId, this.roster.one(step.with, lookup).userId)
      : `group:${this.roster.group(step.group!, lookup).id}`;
    const seq = device.highestSeq.get(conversationId) ?? 0;
    if (seq === 0)
      throw new StepFailure(
        `a message in ${this.roster.readable(conversationId)} to read`,
        'none received yet',
        reader.name,
      );
    const id = `read-${this.runId}-${(this.sent += 1)}`;
    const trace = newTrace();
    device.connection!.send({ type: 'read', id, conversationId, seq, traceparent: trace.traceparent });
    const ack = await this.reply(
      reader,
      device,
      (f) => (f.type === 'read.ack' || f.type === 'error') && (f.id === id || f.ref === id),
      REPLY_WITHIN_MS,
      'read.ack',
    );
    return { detail: `read up to seq ${seq} (readSeq ${String(ack.readSeq)})`, traceIds: [trace.traceId] };
  }

  /** Protocol "catching up", on every connected device: conversations, then sync from the highest seq held. */
  async catchUp(refs: string[], lookup: Lookup): Promise<string> {
    let pulled = 0;
    for (const user of this.users(refs, lookup)) {
      this.device(user);
      const { conversations } = await this.gateways.call<{
        conversations: { conversationId: string; maxSeq: number }[];
      }>(user.gateway, user.token, 'GET', '/api/conversations');
      for (const device of user.devices.filter((d) => d.connection))
        for (const c of conversations) pulled += await this.sync(user, device, c.conversationId, c.maxSeq);
    }
    return `${pulled} message${pulled === 1 ? '' : 's'} pulled`;
  }

  private async sync(user: ActorUser, device: Device, conversationId: string, maxSeq: number): Promise<number> {
    let pulled = 0;
    let hasMore = maxSeq > (device.highestSeq.get(conversationId) ?? 0);
    while (hasMore && device.connection) {
      const fromSeq = (device.highestSeq.get(conversationId) ?? 0) + 1;
      const id = `sync-${this.runId}-${(this.sent += 1)}`;
      device.connection.send({ type: 'sync', id, conversationId, fromSeq, limit: 1000 });
      const synced = await this.reply(
        user,
        device,
        (f) => (f.type === 'synced' || f.type === 'error') && (f.id === id || f.ref === id),
        REPLY_WITHIN_MS,
        `synced for ${this.roster.readable(conversationId)}`,
      );
      const got = Array.isArray(synced.messages) ? synced.messages.length : 0;
      pulled += got;
      hasMore = synced.hasMore === true && got > 0;
    }
    return pulled;
  }

  async addMember(step: { group: string; by: string; member: string }, lookup: Lookup): Promise<string> {
    const by = this.roster.one(step.by, lookup);
    const member = this.roster.one(step.member, lookup);
    const group = this.roster.group(step.group, lookup);
    const result = await this.gateways.call<{ memberCount?: number }>(
      by.gateway,
      by.token,
      'POST',
      `/api/groups/${encodeURIComponent(group.id)}/members`,
      { userId: member.userId },
    );
    return `${member.name} joined ${group.name} (${result.memberCount ?? '?'} members)`;
  }
}
