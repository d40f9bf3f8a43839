// CreateTopics, CreatePartitions, DeleteTopics, DescribeConfigs, ListGroups, DescribeGroups, DeleteGroups.
import type { BrokerCore } from '../core';
import { topicNameProblem } from '../log/topic-store';
import type { ApiHandler } from './context';
import { ErrorCode } from '../codec/error-codes';
import { Writer } from '../codec/writer';

const MAX_PARTITIONS = 1000;

export const handleCreateTopics: ApiHandler = (r, ctx, core) => {
  const v = ctx.apiVersion;
  const topics = r.array((t) => {
    const name = t.string();
    const numPartitions = t.int32();
    const replicationFactor = t.int16();
    t.array((a) => ({ partition: a.int32(), brokers: a.array((b) => b.int32()) }));
    t.array((c) => ({ name: c.string(), value: c.nullableString() }));
    return { name, numPartitions, replicationFactor };
  });
  r.int32(); // timeout_ms
  const validateOnly = v >= 1 ? r.bool() : false;
  const results = topics.map((t) => {
    const res = (code: number, message: string | null = null) => ({ name: t.name, code, message });
    const partitions = t.numPartitions === -1 ? core.defaultPartitions : t.numPartitions;
    const nameProblem = topicNameProblem(t.name);
    if (nameProblem !== null) return res(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem);
    if (core.store.topics.has(t.name)) return res(ErrorCode.TOPIC_ALREADY_EXISTS, `topic ${t.name} already exists`);
    if (partitions < 1 || partitions > MAX_PARTITIONS) {
      return res(ErrorCode.INVALID_PARTITIONS, `partitions must be 1-${MAX_PARTITIONS}, got ${partitions}`);
    }
    if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
      return res(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        `this single-node broker only has replication factor 1, got ${t.replicationFactor}`,
      );
    }
    if (!validateOnly) {
      core.store.createTopic(t.name, partitions);
      core.logger.info(`created topic ${t.name} with ${partitions} partitions`);
    }
    return res(ErrorCode.NONE);
  });
  const w = new Writer();
  if (v >= 2) w.int32(0);
  w.array(results, (w2, t) => {
    w2.string(t.name).int16(t.code);
    if (v >= 1) w2.nullableString(t.message);
  });
  return w;
};

/** CreatePartitions v0-v1: grows topics; a manual assignment may only name this node (replication factor 1). */
export const handleCreatePartitions: ApiHandler = (r, _ctx, core) => {
  const topics = r.array((t) => ({
    name: t.string(),
    count: t.int32(),
    assignments: t.nullableArray((a) => a.array((b) => b.int32())),
  }));
  r.int32(); // timeout_ms
  const validateOnly = r.bool();
  const seen = new Set<string>();
  const results = topics.map((t) => {
    const res = (code: number, message: string | null = null) => ({ name: t.name, code, message });
    if (seen.has(t.name)) return res(ErrorCode.INVALID_REQUEST, `topic ${t.name} is named twice in one request`);
    seen.add(t.name);
    const current = core.store.topics.get(t.name)?.length;
    if (current === undefined) return res(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic ${t.name}`);
    if (t.count <= current || t.count > MAX_PARTITIONS) {
      return res(
        ErrorCode.INVALID_PARTITIONS,
        `topic ${t.name} has ${current} partitions; the new count must be ${current + 1}-${MAX_PARTITIONS}, got ${t.count}`,
      );
    }
    if (t.assignments !== null) {
      if (t.assignments.length !== t.count - current) {
        return res(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `${t.assignments.length} assignments given for ${t.count - current} new partitions`,
        );
      }
      if (t.assignments.some((ids) => ids.length !== 1 || ids[0] !== core.nodeId)) {
        return res(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `this single-node broker only has node ${core.nodeId}`);
      }
    }
    if (!validateOnly) {
      core.store.addPartitions(t.name, t.count);
      core.logger.info(`topic ${t.name} grown from ${current} to ${t.count} partitions`);
    }
    return res(ErrorCode.NONE);
  });
  const w = new Writer().int32(0);
  w.array(results, (w2, t) => w2.string(t.name).int16(t.code).nullableString(t.message));
  return w;
};

export const handleDeleteTopics: ApiHandler = (r, ctx, core) => {
  const names = r.array((t) => t.string());
  r.int32(); // timeout_ms
  const w = new Writer();
  if (ctx.apiVersion >= 1) w.int32(0);
  w.array(names, (w2, name) => {
    const deleted = core.store.deleteTopic(name);
    if (deleted) {
      core.groups.offsets.deleteTopic(name);
      core.logger.info(`deleted topic ${name}`);
    }
    w2.string(name).int16(deleted ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
  return w;
};

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;

function configsFor(core: BrokerCore, type: number): Array<[string, string]> {
  const r = core.store.retention;
  const common: Array<[string, string]> = [
    ['retention.ms', String(r.maxAgeMs ?? -1)],
    ['retention.bytes', String(r.maxBytesPerPartition ?? -1)],
    ['segment.bytes', String(core.store.segmentBytes)],
    ['cleanup.policy', 'delete'],
    ['max.message.bytes', String(100 * 1024 * 1024)],
  ];
  if (type === RESOURCE_BROKER)
    common.push(
      ['num.partitions', String(core.defaultPartitions)],
      ['auto.create.topics.enable', String(core.autoCreateTopics)],
    );
  return common;
}

export const handleDescribeConfigs: ApiHandler = (r, ctx, core) => {
  const v = ctx.apiVersion;
  const resources = r.array((x) => ({ type: x.int8(), name: x.string(), keys: x.nullableArray((k) => k.string()) }));
  if (v >= 1) r.bool(); // include_synonyms
  const w = new Writer();
  w.int32(0);
  w.array(resources, (w2, res) => {
    let code: number = ErrorCode.NONE;
    let message: string | null = null;
    if (res.type === RESOURCE_TOPIC && !core.store.topics.has(res.name)) {
      code = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      message = `unknown topic ${res.name}`;
    } else if (res.type !== RESOURCE_TOPIC && res.type !== RESOURCE_BROKER) {
      code = ErrorCode.INVALID_REQUEST;
      message = `resource type ${res.type} is not supported`;
    }
    const configs =
      code === ErrorCode.NONE ? configsFor(core, res.type).filter(([k]) => !res.keys || res.keys.includes(k)) : [];
    w2.int16(code).nullableString(message).int8(res.type).string(res.name);
    w2.array(configs, (w3, [name, value]) => {
      w3.string(name).nullableString(value).bool(true);
      if (v === 0) w3.bool(true);
      else w3.int8(5); // DEFAULT_CONFIG
      w3.bool(false);
      if (v >= 1) w3.int32(0); // synonyms
    });
  });
  return w;
};

export const handleListGroups: ApiHandler = (_r, ctx, core) => {
  const w = new Writer();
  if (ctx.apiVersion >= 1) w.int32(0);
  w.int16(ErrorCode.NONE);
  w.array(core.groups.groupIds(), (w2, id) => w2.string(id).string(core.groups.get(id)?.protocolType ?? 'consumer'));
  return w;
};

export const handleDescribeGroups: ApiHandler = (r, ctx, core) => {
  const v = ctx.apiVersion;
  const ids = r.array((x) => x.string());
  if (v >= 3) r.bool();
  const w = new Writer();
  if (v >= 1) w.int32(0);
  w.array(ids, (w2, id) => {
    const g = core.groups.get(id);
    const known = g !== undefined || core.groups.offsets.entries(id).length > 0;
    const state = g?.state ?? (known ? 'Empty' : 'Dead');
    w2.int16(ErrorCode.NONE)
      .string(id)
      .string(state)
      .string(g?.protocolType ?? '')
      .string(g?.protocolName ?? '');
    const members = g && state !== 'PreparingRebalance' ? [...g.members.values()] : [];
    w2.array(members, (w3, m) => {
      w3.string(m.memberId);
      if (v >= 4) w3.nullableString(m.req.groupInstanceId);
      w3.string(m.req.clientId).string(m.req.clientHost);
      w3.bytes(m.req.protocols.find((p) => p.name === g?.protocolName)?.metadata ?? Buffer.alloc(0));
      w3.bytes(m.assignment);
    });
    if (v >= 3) w2.int32(-2147483648);
  });
  return w;
};

export const handleDeleteGroups: ApiHandler = (r, _ctx, core) => {
  const ids = r.array((x) => x.string());
  const w = new Writer().int32(0);
  w.array(ids, (w2, id) => w2.string(id).int16(core.groups.delete(id)));
  return w;
};
