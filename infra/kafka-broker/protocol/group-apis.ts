// FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup: thin codecs over the ConsumerGroup state machine.
import type { ApiHandler } from './context';
import { ErrorCode } from '../codec/error-codes';
import { Writer } from '../codec/writer';

export const handleFindCoordinator: ApiHandler = (r, ctx, core) => {
  const v = ctx.apiVersion;
  r.string(); // key (group id or transactional id): this node coordinates everything
  if (v >= 1) r.int8();
  const w = new Writer();
  if (v >= 1) w.int32(0);
  w.int16(ErrorCode.NONE);
  if (v >= 1) w.nullableString(null);
  return w.int32(core.nodeId).string(core.advertisedHost).int32(core.advertisedPort);
};

export const handleJoinGroup: ApiHandler = async (r, ctx, core) => {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const sessionTimeoutMs = r.int32();
  // capped so a bogus value cannot park a group in PreparingRebalance for weeks
  const rebalanceTimeoutMs = Math.min(Math.max(v >= 1 ? r.int32() : sessionTimeoutMs, 0), 10 * 60_000);
  const memberId = r.string();
  const groupInstanceId = v >= 5 ? r.nullableString() : null;
  const protocolType = r.string();
  const protocols = r.array((p) => ({ name: p.string(), metadata: Buffer.from(p.bytesField()) }));
  const w = new Writer();
  if (v >= 2) w.int32(0);
  if (groupId === '') {
    return w.int16(ErrorCode.INVALID_GROUP_ID).int32(-1).string('').string('').string(memberId).int32(0);
  }
  const res = await core.groups.getOrCreate(groupId).join({
    memberId,
    groupInstanceId,
    clientId: ctx.clientId,
    clientHost: ctx.clientHost,
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    protocolType,
    protocols,
    requireKnownMemberId: v >= 4,
    connection: ctx.closed,
  });
  if (res.errorCode !== ErrorCode.NONE && res.errorCode !== ErrorCode.MEMBER_ID_REQUIRED) {
    core.logger.info(`JoinGroup ${groupId} from ${ctx.clientId}: error ${res.errorCode}`);
  }
  w.int16(res.errorCode).int32(res.generationId).string(res.protocolName).string(res.leaderId).string(res.memberId);
  w.array(res.members, (w2, m) => {
    w2.string(m.memberId);
    if (v >= 5) w2.nullableString(m.groupInstanceId);
    w2.bytes(m.metadata);
  });
  return w;
};

export const handleSyncGroup: ApiHandler = async (r, ctx, core) => {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  if (v >= 3) r.nullableString();
  const assignments = r.array((a) => ({ memberId: a.string(), assignment: a.bytesField() }));
  const group = core.groups.get(groupId);
  const res = group
    ? await group.sync(memberId, generationId, assignments)
    : { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) };
  const w = new Writer();
  if (v >= 1) w.int32(0);
  return w.int16(res.errorCode).bytes(res.assignment);
};

export const handleHeartbeat: ApiHandler = (r, ctx, core) => {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  if (v >= 3) r.nullableString();
  const group = core.groups.get(groupId);
  const code = group ? group.heartbeat(memberId, generationId) : ErrorCode.UNKNOWN_MEMBER_ID;
  group?.bindConnection(memberId, ctx.closed);
  const w = new Writer();
  if (v >= 1) w.int32(0);
  return w.int16(code);
};

export const handleLeaveGroup: ApiHandler = (r, ctx, core) => {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const members =
    v >= 3
      ? r.array((m) => ({ memberId: m.string(), groupInstanceId: m.nullableString() }))
      : [{ memberId: r.string(), groupInstanceId: null }];
  const group = core.groups.get(groupId);
  const results = members.map((m) => ({
    ...m,
    errorCode: group ? group.leave(m.memberId) : ErrorCode.UNKNOWN_MEMBER_ID,
  }));
  const w = new Writer();
  if (v >= 1) w.int32(0);
  if (v < 3) return w.int16(results[0]?.errorCode ?? ErrorCode.NONE);
  w.int16(ErrorCode.NONE);
  w.array(results, (w2, m) => w2.string(m.memberId).nullableString(m.groupInstanceId).int16(m.errorCode));
  return w;
};
