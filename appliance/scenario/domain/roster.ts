// The run's users: each actor of the file as one or more users (a counted actor is many), each user with its
// devices and what each device received, and the groups made in setup. Resolves references like member[${i}].
import { interpolate, textOf, type Lookup } from './interpolate';
import type { ChatConnection, ServerFrame } from './ports';
import { Arrivals } from './signal';

export interface ReceivedFrame {
  atMs: number;
  frame: ServerFrame;
  /** Set when an expectation counted this frame, so "nothing else" can tell expected from unexpected. */
  matched: boolean;
}

export class Device {
  readonly log: ReceivedFrame[] = [];
  /** Highest seq this device has per conversation (pushes, acks, syncs): each device is a client of its own. */
  readonly highestSeq = new Map<string, number>();
  connection: ChatConnection | null = null;
  closedBy: string | null = null;
  constructor(readonly number: number) {}
}

export class ActorUser {
  readonly devices: Device[];
  readonly arrivals = new Arrivals();

  constructor(
    readonly name: string,
    readonly gateway: string,
    readonly userId: string,
    readonly username: string,
    readonly token: string,
    devices: number,
  ) {
    this.devices = Array.from({ length: devices }, (_, i) => new Device(i + 1));
  }

  /** In ${...} an actor stands for its user id. */
  get id(): string {
    return this.userId;
  }

  received(device: Device, frame: ServerFrame): void {
    device.log.push({ atMs: Date.now(), frame, matched: false });
    const seen = (conversationId: unknown, seq: unknown): void => {
      if (typeof conversationId !== 'string' || typeof seq !== 'number') return;
      device.highestSeq.set(conversationId, Math.max(device.highestSeq.get(conversationId) ?? 0, seq));
    };
    if (frame.type === 'message') {
      const m = frame.message as { conversationId?: unknown; seq?: unknown } | undefined;
      seen(m?.conversationId, m?.seq);
    } else if (frame.type === 'ack') seen(frame.conversationId, frame.seq);
    else if (frame.type === 'synced' && Array.isArray(frame.messages))
      for (const m of frame.messages as { seq?: unknown }[]) seen(frame.conversationId, m.seq);
    this.arrivals.notify();
  }

  connected(): Device | undefined {
    return this.devices.find((d) => d.connection);
  }
}

export interface RunGroup {
  name: string;
  id: string;
  owner: ActorUser;
}

export class Roster {
  private readonly users = new Map<string, ActorUser[]>();
  private readonly counted = new Set<string>();
  private readonly byId = new Map<string, ActorUser>();
  readonly groups = new Map<string, RunGroup>();

  add(base: string, users: ActorUser[], counted: boolean): void {
    this.users.set(base, users);
    if (counted) this.counted.add(base);
    for (const user of users) this.byId.set(user.userId, user);
  }

  all(): ActorUser[] {
    return [...this.users.values()].flat();
  }

  /** Column names for the console: one per actor of the file (member[*] for a counted one). */
  columns(): string[] {
    return [...this.users.keys()].map((base) => (this.counted.has(base) ? `${base}[*]` : base));
  }

  /** Actors, counted actors (as lists) and groups, for ${...}. */
  value(name: string): unknown {
    const users = this.users.get(name);
    if (users) return this.counted.has(name) ? users : users[0];
    return this.groups.get(name);
  }

  nameOf(userId: string): string | undefined {
    return this.byId.get(userId)?.name;
  }

  /** The users a reference stands for, after its ${...} are filled in. */
  resolve(ref: string, lookup: Lookup): ActorUser[] {
    const text = textOf(interpolate(ref, lookup));
    const found = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+|\*)\])?$/.exec(text);
    const users = found ? this.users.get(found[1]!) : undefined;
    if (!found || !users) {
      const byId = this.byId.get(text);
      if (byId) return [byId];
      throw new Error(`"${ref}" (${text}) is not an actor of this scenario`);
    }
    if (found[2] === undefined || found[2] === '*') return users;
    const user = users[Number(found[2])];
    if (!user) throw new Error(`${text}: ${found[1]} has ${users.length} users (0 to ${users.length - 1})`);
    return [user];
  }

  one(ref: string, lookup: Lookup): ActorUser {
    const users = this.resolve(ref, lookup);
    if (users.length !== 1) throw new Error(`"${ref}" stands for ${users.length} users; one is needed here`);
    return users[0]!;
  }

  group(name: string, lookup: Lookup): RunGroup {
    const text = textOf(interpolate(name, lookup));
    const group = this.groups.get(text) ?? [...this.groups.values()].find((g) => g.id === text);
    if (!group) throw new Error(`no group "${text}" in this run`);
    return group;
  }

  /** A frame or payload as text, with user ids replaced by actor names so a report reads as the file does. */
  readable(value: unknown): string {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.replace(
      /\b[ug]_[0-9a-f]{8,}\b/g,
      (id) => this.byId.get(id)?.name ?? [...this.groups.values()].find((g) => g.id === id)?.name ?? id,
    );
  }
}
