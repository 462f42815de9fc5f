"""confluent-kafka (current librdkafka) against Wharf: AdminClient, an idempotent acks=all
producer that survives a broker stopped mid-stream, a 3-member consumer group over 6
partitions that rebalances when one leaves, commit-and-resume, group admin.
Usage: confluent_interop.py BOOTSTRAP"""
import sys
import threading
import time

from confluent_kafka import Consumer, ConsumerGroupTopicPartitions, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

from interop_common import check, engine, fail, log, wait_until

BOOTSTRAP = sys.argv[1]
TOPIC = "cf-orders"
GROUP = "cf-group"
admin = AdminClient({"bootstrap.servers": BOOTSTRAP})

# --- AdminClient: create, describe configs ------------------------------------------------
for future in admin.create_topics([NewTopic(TOPIC, num_partitions=6, replication_factor=3)], request_timeout=15).values():
    future.result()
topics = admin.list_topics(timeout=10).topics
check(TOPIC in topics and len(topics[TOPIC].partitions) == 6, "created topic not in metadata with 6 partitions")
described = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, TOPIC)])
configs = list(described.values())[0].result()
check(configs["cleanup.policy"].value == "delete", f"cleanup.policy is {configs['cleanup.policy'].value}")
log("admin: created topic, described configs")

# --- Idempotent acks=all producer, broker 2 stopped mid-stream --------------------------------
acked, errors = {}, []


def on_delivery(err, msg):
    if err is not None:
        errors.append(str(err))
    else:
        acked[msg.value().decode()] = (msg.partition(), msg.offset())


producer = Producer({"bootstrap.servers": BOOTSTRAP, "acks": "all", "enable.idempotence": True, "linger.ms": 5,
                     "message.timeout.ms": 60000})
TOTAL = 3000
for i in range(TOTAL):
    if i == 1000:
        producer.flush(30)
        engine("stop-broker 2")
        log("broker 2 stopped")
    if i == 2000:
        producer.flush(30)
        engine("start-broker 2")
        log("broker 2 started")
    while True:
        try:
            producer.produce(TOPIC, key=f"k{i}", value=f"v{i}", on_delivery=on_delivery)
            break
        except BufferError:
            producer.poll(0.05)
    producer.poll(0)
remaining = producer.flush(60)
check(remaining == 0 and not errors, f"producer: {remaining} undelivered, errors {errors[:3]}")
check(len(acked) == TOTAL, f"producer: {len(acked)} of {TOTAL} acknowledged")
check(len(set(acked.values())) == TOTAL, "two records acknowledged at the same offset (duplicate or overwrite)")
log(f"producer: {TOTAL} records acknowledged across a broker stop and start")

# --- A 3-member group over 6 partitions ------------------------------------------------------
consumed = {}
lock = threading.Lock()
stop_flags = {}


def member(name):
    consumer = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": GROUP, "client.id": name,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False,
                         "session.timeout.ms": 6000, "heartbeat.interval.ms": 500})
    consumer.subscribe([TOPIC])
    assignment = []
    try:
        while not stop_flags[name].is_set():
            msg = consumer.poll(0.2)
            assignment = consumer.assignment()
            with lock:
                consumed.setdefault("assignments", {})[name] = sorted(tp.partition for tp in assignment)
            if msg is None:
                continue
            if msg.error():
                fail(f"{name}: {msg.error()}")
            with lock:
                consumed.setdefault("values", {})[msg.value().decode()] = (msg.partition(), msg.offset())
            consumer.commit(message=msg, asynchronous=False)
    finally:
        consumer.close()


threads = {}
for name in ["m1", "m2", "m3"]:
    stop_flags[name] = threading.Event()
    threads[name] = threading.Thread(target=member, args=(name,), daemon=True)
    threads[name].start()


def values():
    with lock:
        return dict(consumed.get("values", {}))


def assignments():
    with lock:
        return dict(consumed.get("assignments", {}))


wait_until(lambda: len(values()) >= TOTAL, 90, f"the group to consume {TOTAL} records")
check(set(values()) == set(acked), "consumed values differ from acknowledged ones")
lost = [v for v, where in acked.items() if values().get(v) != where]
check(not lost, f"{len(lost)} acknowledged records were not read at their acknowledged offset, e.g. {lost[:3]}")
wait_until(lambda: sorted(len(a) for a in assignments().values()) == [2, 2, 2], 30, "a 2/2/2 assignment")
log(f"group: 3 members, 2 partitions each, consumed all {TOTAL} acknowledged records")

stop_flags["m3"].set()
threads["m3"].join(20)
wait_until(lambda: sorted(len(assignments().get(n, [])) for n in ["m1", "m2"]) == [3, 3], 30,
           "a rebalance giving the remaining two members 3 partitions each")
log("group: m3 left, m1 and m2 now hold 3 partitions each")

more = Producer({"bootstrap.servers": BOOTSTRAP, "acks": "all"})
for i in range(TOTAL, TOTAL + 300):
    more.produce(TOPIC, key=f"k{i}", value=f"v{i}")
check(more.flush(30) == 0, "second batch not delivered")
wait_until(lambda: len(values()) >= TOTAL + 300, 60, "the two members to consume 300 more")
for name in ["m1", "m2"]:
    stop_flags[name].set()
    threads[name].join(20)
log("group: the remaining members consumed 300 more and committed")

# --- Commit and resume: a new member starts after the committed offsets ----------------------
for i in range(TOTAL + 300, TOTAL + 400):
    more.produce(TOPIC, key=f"k{i}", value=f"v{i}")
check(more.flush(30) == 0, "third batch not delivered")
resumed = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": GROUP, "auto.offset.reset": "earliest",
                    "enable.auto.commit": False, "session.timeout.ms": 6000})
resumed.subscribe([TOPIC])
got = []
deadline = time.time() + 60
while len(got) < 100 and time.time() < deadline:
    msg = resumed.poll(0.2)
    if msg is not None and not msg.error():
        got.append(msg.value().decode())
check(sorted(got) == sorted(f"v{i}" for i in range(TOTAL + 300, TOTAL + 400)),
      f"resumed consumer read {len(got)} records, not exactly the 100 new ones")
resumed.close()
log("resume: a new member read exactly the 100 records after the committed offsets")

# --- Group admin ----------------------------------------------------------------------------
listed = admin.list_consumer_groups(request_timeout=10).result()
check(GROUP in [g.group_id for g in listed.valid], f"{GROUP} not listed")
description = admin.describe_consumer_groups([GROUP], request_timeout=10)[GROUP].result()
check(description.group_id == GROUP, "describe_consumer_groups answered another group")
offsets = [TopicPartition(TOPIC, p, 0) for p in range(6)]
admin.alter_consumer_group_offsets([ConsumerGroupTopicPartitions(GROUP, offsets)])[GROUP].result()
fetched = admin.list_consumer_group_offsets([ConsumerGroupTopicPartitions(GROUP)])[GROUP].result()
check(sorted((tp.partition, tp.offset) for tp in fetched.topic_partitions) == [(p, 0) for p in range(6)],
      f"offsets after alter: {fetched.topic_partitions}")
log("group admin: listed, described, altered offsets to 0")

for future in admin.delete_topics([TOPIC], request_timeout=15).values():
    future.result()
wait_until(lambda: TOPIC not in admin.list_topics(timeout=10).topics, 15, "topic deletion")
log("confluent-kafka interop: all passed")
