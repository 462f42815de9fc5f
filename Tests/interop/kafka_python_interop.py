"""kafka-python 3.x against Wharf: admin, idempotent producer, group consumer.
Usage: kafka_python_interop.py BOOTSTRAP"""
import sys

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic

from interop_common import check, log, wait_until

BOOTSTRAP = sys.argv[1]
TOPIC = "kp-events"

admin = KafkaAdminClient(bootstrap_servers=BOOTSTRAP, client_id="kp-admin", request_timeout_ms=15000)
admin.create_topics([NewTopic(TOPIC, num_partitions=3, replication_factor=2)])
check(TOPIC in admin.list_topics(), "created topic not listed")
log("admin: created topic")

producer = KafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all", linger_ms=5, compression_type="gzip")
futures = [producer.send(TOPIC, key=f"k{i}".encode(), value=f"v{i}".encode()) for i in range(600)]
producer.flush(30)
offsets = [f.get(timeout=30) for f in futures]
check(len(offsets) == 600, "not every record was acknowledged")
producer.close()
log("producer: 600 records acknowledged")

consumer = KafkaConsumer(TOPIC, bootstrap_servers=BOOTSTRAP, group_id="kp-group", auto_offset_reset="earliest",
                         enable_auto_commit=False, consumer_timeout_ms=15000)
seen = set()
for message in consumer:
    seen.add(message.value.decode())
    if len(seen) == 600:
        break
check(len(seen) == 600, f"group consumer saw {len(seen)} of 600 records")
consumer.commit()
committed = sum(consumer.committed(tp) or 0 for tp in consumer.assignment())
check(committed == 600, f"committed offsets sum to {committed}")
consumer.close()
log("consumer group: consumed and committed 600 records")

groups = [g["group_id"] for g in admin.list_groups()]
check("kp-group" in groups, f"kp-group not in {groups}")
described = admin.describe_groups(["kp-group"])
check(len(described) == 1, f"describe_groups answered {described}")
offsets = admin.list_group_offsets("kp-group")["kp-group"]
check(sum(o.offset for o in offsets.values()) == 600, f"admin sees offsets {offsets}")
admin.delete_groups(["kp-group"])
check("kp-group" not in [g["group_id"] for g in admin.list_groups()], "kp-group still listed after delete")
log("admin: listed, described, fetched offsets of and deleted the group")
admin.delete_topics([TOPIC])
wait_until(lambda: TOPIC not in admin.list_topics(), 15, "topic deletion")
admin.close()
log("kafka-python interop: all passed")
