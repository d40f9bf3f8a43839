// Metadata v0-v6 (v0: kafka-python's version probe and sarama's default; its empty topic list means all).
// Topics named in a request are auto-created (as Redpanda's dev mode does) unless the client says not to (v4+)
// or the broker was started with autoCreateTopics off.
import type { BrokerCore } from '../core';
import { topicNameProblem } from '../log/topic-store';
import type { ApiHandler } from './context';
import { ErrorCode } from '../codec/error-codes';
import { Writer } from '../codec/writer';

export const handleMetadata: ApiHandler = (r, ctx, core) => {
  const v = ctx.apiVersion;
  let requested = r.nullableArray((x) => x.string());
  if (v === 0 && requested?.length === 0) requested = null;
  const allowAutoCreate = v >= 4 ? r.bool() : true;
  const names = requested ?? [...core.store.topics.keys()].sort();

  const w = new Writer();
  if (v >= 3) w.int32(0);
  w.array([core], (w2) => {
    w2.int32(core.nodeId).string(core.advertisedHost).int32(core.advertisedPort);
    if (v >= 1) w2.nullableString(null); // rack
  });
  if (v >= 2) w.nullableString(core.clusterId);
  if (v >= 1) w.int32(core.nodeId); // controller
  w.array(names, (w2, name) => writeTopic(w2, v, core, name, allowAutoCreate && core.autoCreateTopics));
  return w;
};

function writeTopic(w: Writer, v: number, core: BrokerCore, name: string, autoCreate: boolean): void {
  let logs = core.store.topics.get(name);
  let error: number = ErrorCode.NONE;
  if (!logs) {
    if (topicNameProblem(name) !== null) error = ErrorCode.INVALID_TOPIC_EXCEPTION;
    else if (!autoCreate) error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    else {
      core.store.createTopic(name, core.defaultPartitions);
      core.logger.info(`auto-created topic ${name} with ${core.defaultPartitions} partitions`);
      logs = core.store.topics.get(name);
    }
  }
  w.int16(error).string(name);
  if (v >= 1) w.bool(false); // is_internal
  const count = logs?.length ?? 0;
  w.int32(count);
  for (let p = 0; p < count; p++) {
    w.int16(ErrorCode.NONE).int32(p).int32(core.nodeId);
    w.array([core.nodeId], (w2, id) => w2.int32(id));
    w.array([core.nodeId], (w2, id) => w2.int32(id));
    if (v >= 5) w.int32(0);
  }
}
