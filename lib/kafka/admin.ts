// Each service makes sure the topics it uses exist before it produces or consumes.
import type { Kafka } from 'kafkajs';
import { TOPIC_SPECS, type TopicName } from './topics';

/** Creates the missing topics with the partition counts of the conventions; existing ones are left as they are. */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicName[]): Promise<void> {
  if (topics.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: TOPIC_SPECS[topic].partitions, replicationFactor: 1 })),
      });
    } catch (err) {
      // Another service may have created them in between; that is what we wanted.
      if (!isAlreadyExists(err)) throw err;
    }
  } finally {
    await admin.disconnect();
  }
}

function isAlreadyExists(err: unknown): boolean {
  const e = err as { type?: string; errors?: { type?: string }[] };
  if (e?.type === 'TOPIC_ALREADY_EXISTS') return true;
  return (
    Array.isArray(e?.errors) && e.errors.length > 0 && e.errors.every((inner) => inner.type === 'TOPIC_ALREADY_EXISTS')
  );
}
