"""Debian's kcat (librdkafka 2.0.2) against Wharf: metadata, produce with every codec,
consume by offset and by timestamp. Usage: kcat_interop.py BOOTSTRAP"""
import json
import subprocess
import sys
import time

from interop_common import check, fail, log

BOOTSTRAP = sys.argv[1]
CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]


def kcat(args, stdin=None, timeout=60):
    cmd = ["kcat", "-b", BOOTSTRAP, "-X", "client.id=wharf-interop"] + args
    result = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout, text=True)
    if result.returncode != 0:
        fail(f"{' '.join(cmd)} exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    return result.stdout


metadata = json.loads(kcat(["-L", "-J"]))
brokers = sorted(b["id"] for b in metadata["brokers"])
check(brokers == [1, 2, 3], f"kcat -L saw brokers {brokers}")
log(f"metadata: brokers {brokers}")

for codec in CODECS:
    topic = f"kcat-{codec}"
    # Long, repetitive values and a linger so librdkafka really compresses (it sends small
    # batches uncompressed when compression does not pay).
    lines = [f"key-{i}:value-{i}-{codec}-" + "wharf " * 40 for i in range(2000)]
    kcat(["-P", "-t", topic, "-K:", "-z", codec, "-X", "linger.ms=100", "-X", "batch.num.messages=500"],
         stdin="\n".join(lines) + "\n")
    out = kcat(["-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k:%s\\n"])
    got = sorted(out.splitlines())
    check(got == sorted(lines), f"{topic}: consumed {len(got)} records, expected {len(lines)} identical ones")
    log(f"{topic}: produced and consumed {len(lines)} records with -z {codec}")
    print(f"@note produced-topic {topic} {codec}", flush=True)
    sys.stdin.readline()

# By offset: one partition, records 5..7.
kcat(["-P", "-t", "kcat-offsets", "-p", "0"], stdin="\n".join(f"r{i}" for i in range(10)) + "\n")
out = kcat(["-C", "-t", "kcat-offsets", "-p", "0", "-o", "5", "-c", "3", "-f", "%o:%s\\n"])
check(out.splitlines() == ["5:r5", "6:r6", "7:r7"], f"by offset got {out.splitlines()}")
log("consume by offset: ok")

# By timestamp: only what was produced after the mark.
kcat(["-P", "-t", "kcat-times", "-p", "0"], stdin="\n".join(f"early-{i}" for i in range(5)) + "\n")
time.sleep(1.1)
mark = int(time.time() * 1000)
time.sleep(0.1)
kcat(["-P", "-t", "kcat-times", "-p", "0"], stdin="\n".join(f"late-{i}" for i in range(5)) + "\n")
out = kcat(["-C", "-t", "kcat-times", "-p", "0", "-o", f"s@{mark}", "-e", "-f", "%s\\n"])
check(out.splitlines() == [f"late-{i}" for i in range(5)], f"by timestamp got {out.splitlines()}")
log("consume by timestamp: ok")
log("kcat interop: all passed")
