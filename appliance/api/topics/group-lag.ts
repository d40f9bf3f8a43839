// Consumer lag on every partition a group reads, not only on those it has committed on. The broker reports a
// group's offsets per committed partition, so records waiting on a partition the group has never committed on
// (a conversation that hashes to a fresh partition while im-logic is stopped) counted as no lag at all.
import { ConsumerGroups } from '../../../lib/kafka/topics';
import type { GroupInfo, KafkaInspector, TopicInfo } from '../ports';

/**
 * Groups whose consumers start a partition without a commit at its beginning (they subscribe fromBeginning, see
 * services/im-logic/main.ts and services/im-task/main.ts): every record stored there waits for them. The gateways'
 * groups start at the end, so what was stored before they joined never waits for them and is not counted.
 */
export const FROM_BEGINNING_GROUPS: ReadonlySet<string> = new Set([ConsumerGroups.imLogic, ConsumerGroups.imTask]);

/** The groups with, on each topic they have committed on, the partitions they have not committed on yet. */
export function withUncommittedPartitions(
  groups: GroupInfo[],
  topics: TopicInfo[],
  fromBeginning: ReadonlySet<string> = FROM_BEGINNING_GROUPS,
): GroupInfo[] {
  const byName = new Map(topics.map((t) => [t.name, t]));
  return groups.map((group) => {
    if (!fromBeginning.has(group.groupId)) return group;
    const partitions = [...group.partitions];
    for (const name of new Set(group.partitions.map((p) => p.topic))) {
      for (const p of byName.get(name)?.partitions ?? []) {
        if (group.partitions.some((c) => c.topic === name && c.partition === p.partition)) continue;
        partitions.push({
          topic: name,
          partition: p.partition,
          committedOffset: p.lowWatermark,
          highWatermark: p.highWatermark,
          lag: Math.max(0, p.highWatermark - p.lowWatermark),
        });
      }
    }
    partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    return { ...group, partitions };
  });
}

/** The inspector with describeGroups() counting the uncommitted partitions too; everything else as it is. */
export function countingUncommitted(kafka: KafkaInspector): KafkaInspector {
  return {
    listTopics: () => kafka.listTopics(),
    describeGroups: async () => {
      const [groups, topics] = await Promise.all([kafka.describeGroups(), kafka.listTopics()]);
      return withUncommittedPartitions(groups, topics);
    },
    readRecords: (topic, partition, fromOffset, max) => kafka.readRecords(topic, partition, fromOffset, max),
    produce: (request) => kafka.produce(request),
    onAppend: (listener) => kafka.onAppend(listener),
  };
}
