// The embedded Kafka-wire-protocol broker. Written by hand for this appliance: no npm package speaks the
// Kafka protocol as a broker, and no container runtime or Kafka binary exists on the machines it runs on.
// kafkajs and librdkafka (kcat) talk to it exactly as to Redpanda; see README.md for what it supports.
export { startBroker, type Broker, type BrokerOptions } from './broker';
export type { BrokerLogger } from './core';
export type {
  GroupInfo,
  GroupMemberInfo,
  GroupOffsetInfo,
  PartitionInfo,
  StoredRecord,
  TopicInfo,
} from './introspection';
export type { RecordHeader } from './log/batch';
export type { RetentionOptions } from './log/topic-store';
export { DataDirLockedError } from './data-dir-lock';
