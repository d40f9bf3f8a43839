// Records what the console's simulated clients do and receive between Record and Stop, and turns it into a
// scenario file (appliance/scenario/recording). One recorder per appliance API: the registry reports every action
// (whoever drove it: the Clients view, a seed flow, the chaos controls) and every frame each client's gateway
// pushed, and the recorder keeps them only while recording.
import type {
  RecordedAction,
  RecordedActionInput,
  RecordedSession,
  RecordedUser,
} from '../../scenario/recording/session';
import { translateSession } from '../../scenario/recording/translate';
import { draftToYaml } from '../../scenario/recording/write-yaml';
import { BadRequestError } from '../http/errors';
import type { Recording, RecordingStatus } from '../contract';
export type { Recording, RecordingStatus };

/** What the recorder needs to know of each client when Record is pressed. */
export interface ClientSnapshot extends RecordedUser {
  connected: boolean;
  friendIds: string[];
  groups: { groupId: string; name: string }[];
}

/** Actions and frames kept at most: a few minutes of heavy driving; a forgotten recording stays bounded. */
const MAX_EVENTS = 100_000;
const STATUS_EVERY_MS = 250;

/** What the simulated clients and the chaos routes report to. */
export interface SessionObserver {
  action(user: RecordedUser | null, action: RecordedActionInput, atMs?: number): void;
  frame(user: RecordedUser, frame: { type: string } & Record<string, unknown>): void;
}

export class SessionRecorder implements SessionObserver {
  private session: RecordedSession | null = null;
  private users = new Map<string, RecordedUser>();
  private lastRecording: (Recording & { name: string; steps: number; stoppedAtMs: number }) | null = null;
  private statusTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clients: () => ClientSnapshot[],
    private readonly onStatus: (status: RecordingStatus) => void,
  ) {}

  get recording(): boolean {
    return this.session !== null;
  }

  status(): RecordingStatus {
    const s = this.session;
    const last = this.lastRecording;
    return {
      recording: s !== null,
      startedAtMs: s?.startedAtMs ?? null,
      actions: s?.actions.length ?? 0,
      frames: s?.frames.length ?? 0,
      users: this.users.size,
      truncated: s?.truncated ?? false,
      last: last && { file: last.file, name: last.name, steps: last.steps, stoppedAtMs: last.stoppedAtMs },
    };
  }

  start(): RecordingStatus {
    if (this.session) throw new BadRequestError('a recording is already running: stop it first');
    const clients = this.clients();
    const byId = new Map(clients.map((c) => [c.userId, c.username]));
    const friends: [string, string][] = [];
    for (const c of clients)
      for (const id of c.friendIds) {
        const other = byId.get(id);
        if (other && c.username < other) friends.push([c.username, other]);
      }
    const groups = new Map<string, { groupId: string; name: string; members: string[] }>();
    for (const c of clients)
      for (const g of c.groups) {
        const group = groups.get(g.groupId) ?? { groupId: g.groupId, name: g.name, members: [] };
        group.members.push(c.username);
        groups.set(g.groupId, group);
      }
    this.users = new Map(
      clients.map((c) => [c.username, { username: c.username, userId: c.userId, gatewayId: c.gatewayId }]),
    );
    this.session = {
      startedAtMs: Date.now(),
      stoppedAtMs: 0,
      users: [],
      connectedAtStart: clients.filter((c) => c.connected).map((c) => c.username),
      friendsAtStart: friends,
      groupsAtStart: [...groups.values()],
      actions: [],
      frames: [],
    };
    this.changed(true);
    return this.status();
  }

  /** Ends the recording and makes its scenario file; the text is kept until the next Stop. */
  stop(): Recording & { status: RecordingStatus } {
    const session = this.session;
    if (!session) throw new BadRequestError('no recording is running: press Record first');
    this.session = null;
    session.stoppedAtMs = Date.now();
    session.users = [...this.users.values()];
    // Actions are reported when they complete, stamped with when they began: in the order they began.
    session.actions.sort((a, b) => a.atMs - b.atMs);
    const stamp = new Date(session.startedAtMs).toISOString().replace(/\.\d+Z$/, '');
    const name = `recorded ${stamp.replace('T', ' ')}`;
    const draft = translateSession(session, name);
    const file = `recorded-${stamp.replace(/[-:]/g, '').replace('T', '-')}.yaml`;
    const text = draftToYaml(draft);
    this.lastRecording = {
      file,
      text,
      name,
      steps: draft.steps.filter((s) => 'step' in s).length,
      stoppedAtMs: session.stoppedAtMs,
    };
    this.changed(true);
    return { file, text, status: this.status() };
  }

  last(): Recording | null {
    return this.lastRecording && { file: this.lastRecording.file, text: this.lastRecording.text };
  }

  /** An action by (or, for services, on behalf of) a client; `atMs` is when it began. */
  action(user: RecordedUser | null, action: RecordedActionInput, atMs = Date.now()): void {
    if (!this.take()) return;
    if (user) this.users.set(user.username, { ...user });
    this.session!.actions.push({ ...action, atMs } as RecordedAction);
    this.changed();
  }

  frame(user: RecordedUser, frame: { type: string } & Record<string, unknown>): void {
    if (!this.take()) return;
    if (!this.users.has(user.username)) this.users.set(user.username, { ...user });
    this.session!.frames.push({ atMs: Date.now(), user: user.username, frame });
    this.changed();
  }

  private take(): boolean {
    const s = this.session;
    if (!s || s.truncated) return false;
    if (s.actions.length + s.frames.length >= MAX_EVENTS) {
      s.truncated = true;
      this.changed(true);
      return false;
    }
    return true;
  }

  /** Pushes the status at most every 250 ms while events pour in; at once for start and stop. */
  private changed(now = false): void {
    if (now) {
      if (this.statusTimer) clearTimeout(this.statusTimer);
      this.statusTimer = null;
      this.onStatus(this.status());
      return;
    }
    this.statusTimer ??= setTimeout(() => {
      this.statusTimer = null;
      this.onStatus(this.status());
    }, STATUS_EVERY_MS);
    this.statusTimer.unref();
  }

  close(): void {
    if (this.statusTimer) clearTimeout(this.statusTimer);
  }
}
