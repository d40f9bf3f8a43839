// One consumer group's membership state machine, after Kafka's classic group coordinator:
//   Empty -> PreparingRebalance (members (re)join) -> CompletingRebalance (leader computes assignment)
//   -> Stable (SyncGroup delivered it). Any join, leave or session expiry starts a new rebalance.
// Every waiting JoinGroup/SyncGroup is answered: on completion, on a rebalance timeout, or with an error.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../codec/error-codes';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface MemberProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: MemberProtocol[];
  /** JoinGroup v4+ clients learn their id from a MEMBER_ID_REQUIRED answer first. */
  requireKnownMemberId: boolean;
  /** Aborted when the connection the request came on closes; the member's session ends with it. */
  connection?: AbortSignal;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leaderId: string;
  memberId: string;
  members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>;
}

export interface SyncResult {
  errorCode: number;
  assignment: Buffer;
}

export class GroupMember {
  assignment: Buffer = Buffer.alloc(0);
  joinWaiter: ((r: JoinResult) => void) | null = null;
  syncWaiter: ((r: SyncResult) => void) | null = null;
  lastSeen = Date.now();
  /** The connection this member last spoke on; its close ends the session (see bindConnection). */
  connection: AbortSignal | null = null;
  constructor(
    readonly memberId: string,
    public req: JoinRequest,
  ) {}
}

export interface GroupTuning {
  initialRebalanceDelayMs: number;
}

export class ConsumerGroup {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, GroupMember>();
  private readonly pendingIds = new Map<string, number>();
  private rebalanceDeadline = 0;
  /** When the leader's SyncGroup must have come; members still silent then are dropped (as Kafka 3 does). */
  private syncDeadline = 0;
  private joinNotBefore = 0;

  constructor(
    readonly groupId: string,
    private readonly tuning: GroupTuning,
  ) {}

  join(req: JoinRequest): Promise<JoinResult> {
    const fail = (errorCode: number, memberId = req.memberId): Promise<JoinResult> =>
      Promise.resolve({ errorCode, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] });
    const now = Date.now();
    if (req.protocols.length === 0 || req.protocolType === '') return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    if (req.sessionTimeoutMs < 1000 || req.sessionTimeoutMs > 30 * 60_000)
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    let memberId = req.memberId;
    if (memberId === '') {
      memberId = `${req.clientId || 'member'}-${randomUUID()}`;
      if (req.requireKnownMemberId) {
        this.pendingIds.set(memberId, now + req.sessionTimeoutMs);
        return fail(ErrorCode.MEMBER_ID_REQUIRED, memberId);
      }
    } else if (!this.members.has(memberId) && !this.pendingIds.has(memberId)) {
      return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    if (!this.protocolsFit(memberId, req)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    this.pendingIds.delete(memberId);

    let member = this.members.get(memberId);
    if (member) member.req = req;
    else {
      member = new GroupMember(memberId, req);
      this.members.set(memberId, member);
    }
    member.lastSeen = now;
    if (req.connection) this.bindConnection(memberId, req.connection);
    // a member that re-sends JoinGroup abandons its earlier, still-waiting one
    member.joinWaiter?.({
      errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
      generationId: -1,
      protocolName: '',
      leaderId: '',
      memberId,
      members: [],
    });
    const joined = new Promise<JoinResult>((resolve) => {
      (member as GroupMember).joinWaiter = resolve;
    });
    if (this.state !== 'PreparingRebalance') this.prepareRebalance(now);
    else this.tryCompleteJoin(now);
    return joined;
  }

  /** The group must share the protocol type and at least one assignor with every other member. */
  private protocolsFit(memberId: string, req: JoinRequest): boolean {
    const others = [...this.members.values()].filter((m) => m.memberId !== memberId);
    if (others.length === 0) return true;
    if (others.some((m) => m.req.protocolType !== req.protocolType)) return false;
    return req.protocols.some((p) => others.every((m) => m.req.protocols.some((q) => q.name === p.name)));
  }

  private prepareRebalance(now: number): void {
    if (this.state === 'CompletingRebalance') {
      for (const m of this.members.values())
        this.answerSync(m, { errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
    }
    if (this.state === 'Empty') this.joinNotBefore = now + this.tuning.initialRebalanceDelayMs;
    this.state = 'PreparingRebalance';
    const timeout = Math.max(0, ...[...this.members.values()].map((m) => m.req.rebalanceTimeoutMs));
    this.rebalanceDeadline = now + timeout;
    this.tryCompleteJoin(now);
  }

  private tryCompleteJoin(now: number): void {
    if (this.state !== 'PreparingRebalance') return;
    const all = [...this.members.values()];
    const deadlinePassed = now >= this.rebalanceDeadline;
    if (!deadlinePassed && (now < this.joinNotBefore || all.some((m) => m.joinWaiter === null))) return;
    for (const m of all) if (m.joinWaiter === null) this.members.delete(m.memberId);
    this.completeJoin();
  }

  private completeJoin(): void {
    this.generationId++;
    const members = [...this.members.values()];
    if (members.length === 0) {
      this.state = 'Empty';
      this.protocolName = null;
      this.leaderId = null;
      return;
    }
    this.protocolType = members[0]?.req.protocolType ?? null;
    this.protocolName = this.chooseProtocol(members);
    if (this.leaderId === null || !this.members.has(this.leaderId)) this.leaderId = members[0]?.memberId ?? null;
    this.state = 'CompletingRebalance';
    this.syncDeadline = Date.now() + Math.max(...members.map((m) => m.req.rebalanceTimeoutMs));
    const protocolName = this.protocolName;
    const leaderId = this.leaderId ?? '';
    const roster = members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.req.groupInstanceId,
      metadata: m.req.protocols.find((p) => p.name === protocolName)?.metadata ?? Buffer.alloc(0),
    }));
    for (const m of members) {
      const waiter = m.joinWaiter;
      m.joinWaiter = null;
      m.lastSeen = Date.now();
      waiter?.({
        errorCode: ErrorCode.NONE,
        generationId: this.generationId,
        protocolName,
        leaderId,
        memberId: m.memberId,
        members: m.memberId === leaderId ? roster : [],
      });
    }
  }

  /** Each member votes for its most preferred protocol that every member supports. */
  private chooseProtocol(members: GroupMember[]): string {
    const first = members[0] as GroupMember;
    const common = first.req.protocols
      .map((p) => p.name)
      .filter((n) => members.every((m) => m.req.protocols.some((p) => p.name === n)));
    const votes = new Map<string, number>();
    for (const m of members) {
      const pick = m.req.protocols.find((p) => common.includes(p.name));
      if (pick) votes.set(pick.name, (votes.get(pick.name) ?? 0) + 1);
    }
    let best = common[0] ?? '';
    for (const name of common) if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
    return best;
  }

  sync(
    memberId: string,
    generationId: number,
    assignments: Array<{ memberId: string; assignment: Buffer }>,
  ): Promise<SyncResult> {
    const member = this.members.get(memberId);
    const fail = (errorCode: number): Promise<SyncResult> =>
      Promise.resolve({ errorCode, assignment: Buffer.alloc(0) });
    if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (this.state === 'PreparingRebalance') return fail(ErrorCode.REBALANCE_IN_PROGRESS);
    if (generationId !== this.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    member.lastSeen = Date.now();
    if (this.state === 'Stable') return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment });
    const synced = new Promise<SyncResult>((resolve) => {
      member.syncWaiter = resolve;
    });
    if (memberId === this.leaderId) {
      for (const m of this.members.values()) m.assignment = Buffer.alloc(0);
      for (const a of assignments) {
        const m = this.members.get(a.memberId);
        if (m) m.assignment = Buffer.from(a.assignment);
      }
      this.state = 'Stable';
      for (const m of this.members.values())
        this.answerSync(m, { errorCode: ErrorCode.NONE, assignment: m.assignment });
    }
    return synced;
  }

  private answerSync(m: GroupMember, r: SyncResult): void {
    const waiter = m.syncWaiter;
    m.syncWaiter = null;
    waiter?.(r);
  }

  /**
   * Ends the member's session as soon as the connection it last spoke on closes, instead of after its session
   * timeout: a process that died closed its sockets, and its successor should not wait ~30 s for the rebalance.
   * A deliberate difference from Kafka (see the README); a member that moved to a new connection is not affected
   * by the old one closing.
   */
  bindConnection(memberId: string, connection: AbortSignal): void {
    const member = this.members.get(memberId);
    if (!member || member.connection === connection) return;
    member.connection = connection;
    const onClose = (): void => {
      if (this.members.get(memberId) === member && member.connection === connection)
        this.removeMember(member, Date.now());
    };
    if (connection.aborted) onClose();
    else connection.addEventListener('abort', onClose, { once: true });
  }

  heartbeat(memberId: string, generationId: number): number {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    member.lastSeen = Date.now();
    if (this.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

  /** Checks a commit's member and generation; generation -1 with no member is a standalone (admin) commit. */
  commitAllowed(memberId: string, generationId: number): number {
    if (generationId < 0 && memberId === '') return ErrorCode.NONE;
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    member.lastSeen = Date.now();
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (this.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  leave(memberId: string): number {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(member, Date.now());
    return ErrorCode.NONE;
  }

  private removeMember(member: GroupMember, now: number): void {
    this.members.delete(member.memberId);
    member.joinWaiter?.({
      errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
      generationId: -1,
      protocolName: '',
      leaderId: '',
      memberId: member.memberId,
      members: [],
    });
    member.joinWaiter = null;
    this.answerSync(member, { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) });
    if (this.members.size === 0 && this.state !== 'PreparingRebalance') {
      this.state = 'Empty';
      this.generationId++;
      this.leaderId = null;
      this.protocolName = null;
      return;
    }
    if (this.state === 'PreparingRebalance') this.tryCompleteJoin(now);
    else this.prepareRebalance(now);
  }

  /** Called periodically: expires silent members and finishes rebalances whose time is up. */
  tick(now: number): void {
    for (const [id, until] of this.pendingIds) if (until < now) this.pendingIds.delete(id);
    for (const m of [...this.members.values()]) {
      if (m.joinWaiter === null && now - m.lastSeen > m.req.sessionTimeoutMs) this.removeMember(m, now);
    }
    if (this.state === 'CompletingRebalance' && now >= this.syncDeadline) {
      const leader = this.leaderId === null ? undefined : this.members.get(this.leaderId);
      // followers are parked until the leader syncs: a leader that never does must not hold them forever
      if (leader && leader.syncWaiter === null) this.removeMember(leader, now);
    }
    this.tryCompleteJoin(now);
  }
}
