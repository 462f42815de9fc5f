"""The real `wharf console` in tmux with a real Kafka client (confluent-kafka) against its
listeners: the console's screens (:topics, :groups, :tail, :brokers) must show what the client
did, and what the operator does on the screen (stop a broker, reset a group's offsets through
the dialog) must be what the client then sees (metadata, committed offsets; a stopped broker's
port refuses connections until it is started again). Quitting must close the listeners.

Usage: console_e2e.py WHARF_BINARY
Run by Tests/E2ETests (`make test`) with the venv's python (WHARF_PYTHON). Prints a log;
exits 0 when every check passed, 1 with a line starting "FAIL:" otherwise. Every wait is
bounded, and the tmux server is killed whatever happens (also on SIGTERM from the harness).
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

TOPIC = "e2e-orders"
PARTITIONS = 6
GROUP = "e2e-group"
CONSUMED = 300  # produced, then consumed and committed by the group
LAGGING = 40  # produced after the group committed: its lag
TAILED = 25  # produced while the tail view is open
STARTED = time.monotonic()


class Failure(Exception):
    pass


def log(message):
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def check(condition, message):
    if not condition:
        raise Failure(message)


def wait_for(condition, seconds, what):
    """Polls `condition` until it returns something truthy; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failure(f"timed out after {seconds}s waiting for {what}")
        time.sleep(0.2)


# --- tmux ------------------------------------------------------------------------------------

class Console:
    """`wharf console` in a detached 120x40 tmux session on a private socket. The pane's
    shell writes wharf's exit status to a file (remain-on-exit keeps the pane)."""

    def __init__(self, wharf, workdir):
        self.server_pid = 0
        self.workdir = workdir
        self.socket = os.path.join(workdir, "tmux.sock")
        self.status_file = os.path.join(workdir, "exit-status")
        self.data_dir = os.path.join(workdir, "data")
        config = os.path.join(workdir, "tmux.conf")
        with open(config, "w") as f:
            f.write("set -g remain-on-exit on\nset -g status off\n")
        self.base = ["tmux", "-u", "-f", config, "-S", self.socket]
        command = (f"env LANG=C.UTF-8 {shell_quote(wharf)} console --data-dir {shell_quote(self.data_dir)} --port 0; "
                   f"echo $? > {shell_quote(self.status_file)}")
        # The server daemonizes keeping the descriptors it inherits: give it /dev/null, or a
        # pipe here would stay open (and a reader of it wait) for as long as the server lives.
        subprocess.run(self.base + ["new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", "sh", "-c", command],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=10, check=True)
        self.server_pid = int(self.tmux("display-message", "-p", "-t", "e2e", "#{pid}").strip() or 0)

    def tmux(self, *arguments):
        result = subprocess.run(self.base + list(arguments), stdin=subprocess.DEVNULL, capture_output=True,
                                timeout=10, text=True)
        return result.stdout

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def type(self, text):
        # `--` so text starting with a dash ("-5") is not read as an option.
        self.tmux("send-keys", "-t", "e2e", "-l", "--", text)

    def press(self, key):
        self.tmux("send-keys", "-t", "e2e", key)

    def command(self, text):
        """A `:` palette command, then Enter."""
        self.type(":" + text)
        self.press("Enter")

    def wait_screen(self, condition, seconds, what):
        last = [""]

        def probe():
            last[0] = self.screen()
            return condition(last[0]) and last[0]
        try:
            return wait_for(probe, seconds, what)
        except Failure as failure:
            raise Failure(f"{failure}; the screen:\n{last[0]}") from None

    def exit_status(self):
        try:
            with open(self.status_file) as f:
                text = f.read()
        except FileNotFoundError:
            return None
        return text.strip() if text.endswith("\n") else None

    def kill(self):
        """kill-server, then SIGKILL the server (and with it the pane) if it is still there."""
        try:
            subprocess.run(self.base + ["kill-server"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=10)
        except (OSError, subprocess.SubprocessError):
            pass
        deadline = time.monotonic() + 2
        while self.server_pid and alive(self.server_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.server_pid and alive(self.server_pid):
            os.kill(self.server_pid, signal.SIGKILL)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def shell_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def row_with(screen, *words):
    """The first screen line holding every word as a whole cell (split on spaces and box
    lines), as its list of words; None when there is none."""
    for line in screen.splitlines():
        cells = re.split(r"[\s│|]+", line)
        if all(word in cells for word in words):
            return [cell for cell in cells if cell]
    return None


# --- the scenario's steps ---------------------------------------------------------------------

def listeners(console):
    """Broker id -> port, from the log line `clients connect to 127.0.0.1:A-C` (or `A,B,C`)
    that the console writes once its listeners are open; the header shows the same text."""
    def parse():
        try:
            with open(os.path.join(console.data_dir, "wharf.log")) as f:
                match = re.search(r"clients connect to 127\.0\.0\.1:([0-9,-]+)", f.read())
        except FileNotFoundError:
            return None
        return match and match.group(1)
    text = wait_for(parse, 30, "the listeners in wharf.log")
    if "-" in text:
        first, last = (int(p) for p in text.split("-"))
        ports = list(range(first, last + 1))
    else:
        ports = [int(p) for p in text.split(",")]
    check(len(ports) == 3, f"expected 3 listeners, the log says {text}")
    return text, {broker: port for broker, port in zip((1, 2, 3), ports)}


def wait_for_cluster(console):
    screen = console.wait_screen(lambda s: "brokers 3/3" in s, 90, "brokers 3/3 in the header")
    check("Topics" in screen, f"the console opens on the topics:\n{screen}")
    log("console up: brokers 3/3")


def produce(bootstrap, first, count):
    acked, errors = [], []

    def on_delivery(err, msg):
        (errors if err else acked).append(err or msg.offset())
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5, "message.timeout.ms": 30000})
    for i in range(first, first + count):
        producer.produce(TOPIC, key=f"k{i}", value=f"order {i}", on_delivery=on_delivery)
        producer.poll(0)
    remaining = producer.flush(30)
    check(remaining == 0 and not errors, f"producer: {remaining} undelivered, errors {errors[:3]}")
    check(len(acked) == count, f"producer: {len(acked)} of {count} acknowledged")


def produce_and_consume(bootstrap):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.create_topics([NewTopic(TOPIC, num_partitions=PARTITIONS, replication_factor=3)],
                                      request_timeout=15).values():
        future.result(timeout=20)
    produce(bootstrap, 0, CONSUMED)
    log(f"produced {CONSUMED} records (acks=all) to {TOPIC}")

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": GROUP, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "session.timeout.ms": 6000})
    try:
        consumer.subscribe([TOPIC])
        seen = set()
        deadline = time.monotonic() + 60
        while len(seen) < CONSUMED:
            check(time.monotonic() < deadline, f"consumed {len(seen)} of {CONSUMED} records in 60s")
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            check(not msg.error(), f"consumer error: {msg.error()}")
            seen.add(msg.value().decode())
        consumer.commit(asynchronous=False)
    finally:
        consumer.close()
    check(seen == {f"order {i}" for i in range(CONSUMED)}, "the group did not read exactly what was produced")
    check_committed(bootstrap, total=CONSUMED)
    log(f"group {GROUP} consumed and committed {CONSUMED} records")

    produce(bootstrap, CONSUMED, LAGGING)
    log(f"produced {LAGGING} more records: the group's lag")


def committed_offsets(bootstrap):
    """The group's committed offset per partition, as the client reads it back."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": GROUP, "enable.auto.commit": False})
    try:
        partitions = consumer.committed([TopicPartition(TOPIC, p) for p in range(PARTITIONS)], timeout=15)
    finally:
        consumer.close()
    return {tp.partition: tp.offset for tp in partitions}


def check_committed(bootstrap, total):
    """Committed offsets must sum to `total` (records are spread by key over the partitions).
    The reset-offsets step will compare with its own expected offsets the same way."""
    offsets = committed_offsets(bootstrap)
    check(all(offset >= 0 for offset in offsets.values()), f"partitions without a commit: {offsets}")
    check(sum(offsets.values()) == total, f"committed offsets {offsets} do not add up to {total}")


def topics_view(console):
    console.command("topics")
    total = CONSUMED + LAGGING
    screen = console.wait_screen(lambda s: (row_with(s, TOPIC) or [])[:4] == [TOPIC, str(PARTITIONS), "3", str(total)],
                                 20, f"{TOPIC} with {PARTITIONS} partitions, RF 3 and {total} records in :topics")
    log(f":topics shows {' '.join(row_with(screen, TOPIC)[:4])} (name, partitions, RF, records)")


def groups_view(console):
    console.command("groups")
    # GROUP STATE MEMBERS PROTOCOL LAG: the consumer has left, so Empty with 0 members.
    screen = console.wait_screen(lambda s: (row_with(s, GROUP) or [])[:3] == [GROUP, "Empty", "0"]
                                 and str(LAGGING) in row_with(s, GROUP), 20, f"{GROUP}, Empty, lag {LAGGING} in :groups")
    log(f":groups shows {' '.join(row_with(screen, GROUP))}")


def leaders(bootstrap):
    """Partition -> leader of TOPIC, and the brokers in the metadata, as the client sees them."""
    metadata = AdminClient({"bootstrap.servers": bootstrap}).list_topics(topic=TOPIC, timeout=10)
    return {p.id: p.leader for p in metadata.topics[TOPIC].partitions.values()}, set(metadata.brokers)


def accepts_connections(port):
    """Whether something listens on 127.0.0.1:`port`: False when the connection is refused."""
    with socket.socket() as probe:
        probe.settimeout(2)
        try:
            probe.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            return False
        return True


def stop_and_start_broker(console, bootstrap, ports):
    by_partition, _ = leaders(bootstrap)
    victim = max(set(by_partition.values()), key=lambda b: (list(by_partition.values()).count(b), -b))
    check(victim in (1, 2, 3), f"no broker leads {TOPIC}: {by_partition}")
    console.command("brokers")
    console.wait_screen(lambda s: "Brokers" in s and row_with(s, "3", "up"), 20, ":brokers with broker 3 up")
    console.press("g")  # the first row (broker 1), then down to the victim
    for _ in range(victim - 1):
        console.press("j")
    console.type("s")
    console.wait_screen(lambda s: f"Stop broker {victim}" in s, 10, f"the stop-broker {victim} confirmation")
    console.type("y")
    screen = console.wait_screen(lambda s: (row_with(s, str(victim), "stopped") or [])[:3] == [str(victim), "stopped", "0"],
                                 60, f"broker {victim} stopped with 0 leaders in :brokers")
    log(f":brokers shows {' '.join(row_with(screen, str(victim), 'stopped')[:3])}")

    def moved():
        by_partition, brokers = leaders(bootstrap)
        return victim not in by_partition.values() and all(l in (1, 2, 3) for l in by_partition.values()) \
            and victim not in brokers and by_partition
    moved_to = wait_for(moved, 30, f"the client's metadata to move leadership off broker {victim}")
    log(f"client metadata: broker {victim} gone, leaders {moved_to}")
    # As a real cluster's stopped broker: its port refuses connections; the others serve.
    wait_for(lambda: not accepts_connections(ports[victim]), 10,
             f"broker {victim}'s port {ports[victim]} to refuse connections")
    others = [port for broker, port in ports.items() if broker != victim]
    check(all(accepts_connections(port) for port in others), f"the running brokers' ports {others} refuse connections")
    log(f"broker {victim}'s port {ports[victim]} refuses connections; ports {others} accept")

    console.type("s")  # a stopped broker starts without a question
    console.wait_screen(lambda s: row_with(s, str(victim), "up") and "brokers 3/3" in s, 60, f"broker {victim} up again")
    wait_for(lambda: victim in leaders(bootstrap)[1], 30, f"broker {victim} back in the client's metadata")
    wait_for(lambda: accepts_connections(ports[victim]), 10, f"broker {victim}'s port {ports[victim]} to accept again")
    # Asked on the started broker's own port only, the client must get the whole cluster.
    _, seen = leaders(f"127.0.0.1:{ports[victim]}")
    check(seen == {1, 2, 3}, f"metadata from broker {victim}'s port lists brokers {seen}")
    log(f"broker {victim} started again: up on screen, in the client's metadata, answering on port {ports[victim]}")


def tail_view(console, bootstrap):
    """`:tail TOPIC` shows what the group consumed (the newest 100 per partition is all of it),
    then records produced while it is open arrive on screen; a filter finds one of them."""
    total = CONSUMED + LAGGING
    console.command(f"tail {TOPIC}")
    screen = console.wait_screen(lambda s: f"{TOPIC} › messages" in s and f"/{total} " in s and "following" in s, 20,
                                 f"the tail of {TOPIC} holding all {total} records and following")
    check(f"order {total - 1}" in screen or any(f"order {i}" in screen for i in range(total - 40, total)),
          f"the newest records are not on screen:\n{screen}")
    log(f":tail {TOPIC} shows {total} records, following")
    produce(bootstrap, total, TAILED)
    screen = console.wait_screen(lambda s: f"/{total + TAILED} " in s, 20, f"{TAILED} new records in the live tail")
    newest = f"order {total + TAILED - 1}"
    console.type("/")
    console.type(newest)
    console.press("Enter")
    screen = console.wait_screen(lambda s: f"/{newest} 1/1 of {total + TAILED}" in s and newest in s, 10,
                                 f"the filter /{newest} to find the one record")
    log(f"{TAILED} records produced while tailing arrived live; /{newest} finds 1 of {total + TAILED}")
    console.press("Escape")  # clears the filter
    console.press("Escape")  # back to the partitions


def reset_offsets_through_dialog(console, bootstrap):
    """`r` on the group in :groups, shift-by -5 over all topics, preview, `y`; the client must
    then read back each partition's old offset minus 5 (clamped at the log start, 0)."""
    before = committed_offsets(bootstrap)
    console.command("groups")
    console.wait_screen(lambda s: row_with(s, GROUP), 20, f"{GROUP} in :groups")
    console.press("g")
    console.type("r")
    console.wait_screen(lambda s: f"Reset offsets of {GROUP}" in s, 10, "the reset-offsets dialog")
    console.press("Tab")  # scope (all topics) -> topic
    console.press("Tab")  # -> strategy: earliest, latest, offset, datetime, duration, shift-by
    for _ in range(5):
        console.press("Right")
    console.wait_screen(lambda s: "shift-by" in s, 10, "strategy shift-by in the dialog")
    console.press("Tab")  # -> value
    console.type("-5")
    console.press("Enter")
    expected = {p: max(0, offset - 5) for p, offset in before.items()}
    screen = console.wait_screen(lambda s: "CURRENT" in s and "NEW" in s
                                 and sum(1 for line in s.splitlines() if TOPIC in line) >= PARTITIONS, 20,
                                 "the reset preview with a row per partition")
    for p, offset in before.items():
        row = next((cells for cells in (line[line.index(TOPIC):].split() for line in screen.splitlines() if TOPIC in line)
                    if cells[1:2] == [str(p)]), None)
        check(row is not None and str(offset) in row and str(expected[p]) in row,
              f"preview row for partition {p} should show {offset} -> {expected[p]}: {row}")
    console.type("y")
    console.wait_screen(lambda s: f"Reset {PARTITIONS} offsets of group {GROUP}" in s, 20, "the reset to be applied")
    after = wait_for(lambda: (lambda o: o if o == expected else None)(committed_offsets(bootstrap)), 20,
                     f"the client to read the new committed offsets {expected}")
    log(f"reset through the dialog (shift-by -5): committed {before} -> {after}, read back by the client")


def quit_and_check_closed(console, ports):
    console.type("q")
    console.wait_screen(lambda s: "Quit Wharf" in s, 10, "the quit confirmation")
    console.type("y")
    status = wait_for(console.exit_status, 60, "wharf to exit")
    check(status == "0", f"wharf exited with status {status}; the screen:\n{console.screen()}")
    dead = console.tmux("display-message", "-p", "-t", "e2e", "#{pane_dead}").strip()
    check(dead == "1", f"the pane's command is still running (pane_dead={dead})")
    for broker, port in ports.items():
        if accepts_connections(port):
            raise Failure(f"broker {broker}'s listener on port {port} still accepts connections after quitting")
    log(f"quit: exit status 0, listeners {sorted(ports.values())} refuse connections")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    # Started from a test thread, this process can inherit a mask blocking SIGCHLD and
    # SIGTERM; the tmux server would inherit it too, never reap its pane and survive
    # kill-server. Unblock everything before starting anything.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    # The harness stops a run that takes too long with SIGTERM: clean up on it too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("FAIL: terminated (timeout)"))
    workdir = tempfile.mkdtemp(prefix="wharf-e2e-")
    console = None
    try:
        console = Console(os.path.abspath(sys.argv[1]), workdir)
        wait_for_cluster(console)
        listener_text, ports = listeners(console)
        check(listener_text in console.screen(), f"the header does not show the listeners {listener_text}")
        bootstrap = ",".join(f"127.0.0.1:{port}" for port in ports.values())
        log(f"listeners {listener_text} (shown in the header)")
        produce_and_consume(bootstrap)
        topics_view(console)
        groups_view(console)
        tail_view(console, bootstrap)
        stop_and_start_broker(console, bootstrap, ports)
        reset_offsets_through_dialog(console, bootstrap)
        quit_and_check_closed(console, ports)
        log("PASS")
        return 0
    except (Failure, KafkaException, subprocess.SubprocessError, OSError) as error:
        print(f"FAIL: {error}", flush=True)
        dump_log(workdir)
        return 1
    finally:
        if console:
            console.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def dump_log(workdir):
    try:
        with open(os.path.join(workdir, "data", "wharf.log")) as f:
            lines = f.readlines()
        print("--- last lines of wharf.log ---\n" + "".join(lines[-30:]), flush=True)
    except OSError:
        pass


if __name__ == "__main__":
    sys.exit(main())
