// ApiVersions and the version ranges this broker serves (see the shared notes: the ranges kafkajs 2.2.4,
// librdkafka 2.0.2, kafka-python 2.0.2 and sarama use, all below each API's first flexible version except
// ApiVersions v3). Produce starts at v0 because librdkafka turns gzip/snappy/lz4 on only when v0 is in range;
// Metadata v0 is kafka-python's version probe and sarama's default; OffsetCommit v0-1, Fetch v0-v3 (old message
// sets, see fetch-formats.ts) and ListOffsets v0 are what sarama's default config (Kafka 0.8.2) sends.
import type { ApiHandler } from './context';
import { ErrorCode } from '../codec/error-codes';
import { Writer } from '../codec/writer';

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  CreatePartitions: 37,
  InitProducerId: 22,
  DescribeConfigs: 32,
  DeleteGroups: 42,
} as const;

export const SUPPORTED_VERSIONS: ReadonlyMap<number, readonly [min: number, max: number]> = new Map([
  [ApiKey.Produce, [0, 7]],
  [ApiKey.Fetch, [0, 11]],
  [ApiKey.ListOffsets, [0, 3]],
  [ApiKey.Metadata, [0, 6]],
  [ApiKey.OffsetCommit, [0, 7]],
  [ApiKey.OffsetFetch, [0, 5]],
  [ApiKey.FindCoordinator, [0, 2]],
  [ApiKey.JoinGroup, [0, 5]],
  [ApiKey.Heartbeat, [0, 3]],
  [ApiKey.LeaveGroup, [0, 3]],
  [ApiKey.SyncGroup, [0, 3]],
  [ApiKey.DescribeGroups, [0, 4]],
  [ApiKey.ListGroups, [0, 2]],
  [ApiKey.ApiVersions, [0, 3]],
  [ApiKey.CreateTopics, [0, 4]],
  [ApiKey.DeleteTopics, [0, 1]],
  [ApiKey.InitProducerId, [0, 1]],
  [ApiKey.DescribeConfigs, [0, 2]],
  [ApiKey.CreatePartitions, [0, 1]],
  [ApiKey.DeleteGroups, [0, 1]],
]);

export function isSupported(apiKey: number, version: number): boolean {
  const range = SUPPORTED_VERSIONS.get(apiKey);
  return range !== undefined && version >= range[0] && version <= range[1];
}

/** v3 is flexible; a version we do not know gets a v0 body with UNSUPPORTED_VERSION so the client steps down. */
export const handleApiVersions: ApiHandler = (r, ctx) => {
  const w = new Writer();
  const v = ctx.apiVersion;
  if (!isSupported(ApiKey.ApiVersions, v)) {
    w.int16(ErrorCode.UNSUPPORTED_VERSION);
    w.array([...SUPPORTED_VERSIONS], (w2, [key, [min, max]]) => w2.int16(key).int16(min).int16(max));
    return w;
  }
  if (v >= 3) {
    r.compactNullableString(); // client_software_name
    r.compactNullableString(); // client_software_version
    r.skipTaggedFields();
    w.int16(ErrorCode.NONE);
    w.compactArray([...SUPPORTED_VERSIONS], (w2, [key, [min, max]]) =>
      w2.int16(key).int16(min).int16(max).emptyTaggedFields(),
    );
    w.int32(0);
    w.emptyTaggedFields();
    return w;
  }
  w.int16(ErrorCode.NONE);
  w.array([...SUPPORTED_VERSIONS], (w2, [key, [min, max]]) => w2.int16(key).int16(min).int16(max));
  if (v >= 1) w.int32(0);
  return w;
};
