"""kafka-python (Debian's python3-kafka 2.0.2) driven by kafka-python.int.test.ts: one command per run, one JSON
line of results on stdout. Every client uses automatic version detection (no api_version given), which is the
probe (ApiVersions v0 + Metadata v0 pipelined) this broker must answer."""
import json
import sys

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewPartitions

# kafka-python keeps a batch uncompressed when compressing does not make it smaller: give it something to squeeze
PAD = b"x" * 300
TIMEOUTS = dict(request_timeout_ms=15000, api_version_auto_timeout_ms=15000)


def probe(bootstrap, topic, starts):
    """Starts `starts` producers one after another; each detects the version and delivers one record."""
    versions = []
    for i in range(starts):
        producer = KafkaProducer(bootstrap_servers=bootstrap, **TIMEOUTS)
        versions.append(list(producer.config["api_version"]))
        producer.send(topic, value=b"start-%d" % i).get(timeout=15)
        producer.close()
    return {"versions": versions}


def produce(bootstrap, topic, codec, count, t0):
    """`count` records in one batch (linger) with timestamps t0, t0+10, ... in the given codec."""
    producer = KafkaProducer(
        bootstrap_servers=bootstrap,
        compression_type=None if codec == "none" else codec,
        linger_ms=500,
        batch_size=1 << 20,
        **TIMEOUTS,
    )
    futures = [
        producer.send(topic, key=b"k%d" % i, value=b"%s-%d|%s" % (codec.encode(), i, PAD), timestamp_ms=t0 + 10 * i)
        for i in range(count)
    ]
    offsets = [f.get(timeout=15).offset for f in futures]
    producer.close()
    return {"offsets": offsets}


def consume(bootstrap, topic):
    """Everything from the beginning to the end of partition 0, without a group."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, **TIMEOUTS)
    tp = TopicPartition(topic, 0)
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    end = consumer.end_offsets([tp])[tp]
    rows = []
    while consumer.position(tp) < end:
        for records in consumer.poll(timeout_ms=5000).values():
            rows += [[r.offset, r.value.decode().split("|")[0]] for r in records]
    consumer.close()
    return {"rows": rows, "end": end}


def times(bootstrap, topic, stamps):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, **TIMEOUTS)
    tp = TopicPartition(topic, 0)
    out = []
    for ts in stamps:
        hit = consumer.offsets_for_times({tp: ts})[tp]
        out.append(None if hit is None else [hit.offset, hit.timestamp])
    consumer.close()
    return {"hits": out}


def grow(bootstrap, topic, count):
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, **TIMEOUTS)
    admin.create_partitions({topic: NewPartitions(total_count=count)})
    admin.close()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, **TIMEOUTS)
    partitions = sorted(consumer.partitions_for_topic(topic))
    consumer.close()
    return {"partitions": partitions}


def group(bootstrap, topic, group_id, take):
    """A group member reads `take` records, commits and leaves; returns them and the committed offset."""
    consumer = KafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=group_id, auto_offset_reset="earliest",
        enable_auto_commit=False, **TIMEOUTS)
    rows = []
    for _ in range(60):
        for records in consumer.poll(timeout_ms=1000, max_records=take - len(rows)).values():
            rows += [r.value.decode().split("|")[0] for r in records]
        if len(rows) >= take:
            break
    consumer.commit()
    committed = consumer.committed(TopicPartition(topic, 0))
    consumer.close()
    return {"rows": rows, "committed": committed}


COMMANDS = {"probe": probe, "produce": produce, "consume": consume, "times": times, "grow": grow, "group": group}

if __name__ == "__main__":
    command, args = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(COMMANDS[command](**args)))
