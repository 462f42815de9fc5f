#!/usr/bin/env python3
"""Cross-check Wharf's record batch v2 codec against kafka-python, an independent
implementation (used by Tests/KafkaProtocolTests/KafkaPythonCrossCheckTests.swift).

  recordbatch_crosscheck.py write DIR
      Builds one batch per codec with kafka-python's DefaultRecordBatchBuilder into
      DIR/<codec>.bin and writes DIR/manifest.json with the records each holds.
  recordbatch_crosscheck.py read FILE...
      Parses every batch in each file with kafka-python's MemoryRecords/DefaultRecordBatch,
      validates the CRC-32C and prints JSON (one object per file) on stdout.

Bytes are shown as lowercase hex so binary keys/values survive JSON; null stays null.
"""
import json
import os
import sys

from kafka.record.default_records import DefaultRecordBatch, DefaultRecordBatchBuilder
from kafka.record.memory_records import MemoryRecords

CODECS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
CODEC_NAMES = {v: k for k, v in CODECS.items()}
BASE_TIMESTAMP = 1_700_000_000_000


def hexify(data):
    return None if data is None else bytes(data).hex()


def sample_records():
    """Keys, values (repetitive, so every codec really compresses), a null key, a null
    value, an empty value, binary bytes, and headers including a null-valued one."""
    records = []
    for i in range(12):
        key = None if i == 3 else f"key-{i}".encode()
        if i == 5:
            value = None
        elif i == 6:
            value = b""
        elif i == 7:
            value = bytes(range(256))
        else:
            value = (f"value-{i} " * 30).encode()
        headers = [("h-index", str(i).encode()), ("h-null", None)] if i % 2 == 0 else []
        records.append({"offset": i, "timestamp": BASE_TIMESTAMP + (i * 7) % 5, "key": key, "value": value,
                        "headers": headers})
    return records


def write(directory):
    os.makedirs(directory, exist_ok=True)
    manifest = []
    for name, codec in CODECS.items():
        transactional = name == "zstd"
        builder = DefaultRecordBatchBuilder(
            magic=2, compression_type=codec, is_transactional=transactional,
            producer_id=4242, producer_epoch=3, base_sequence=10, batch_size=1 << 20)
        records = sample_records()
        for r in records:
            if builder.append(r["offset"], timestamp=r["timestamp"], key=r["key"], value=r["value"],
                              headers=r["headers"]) is None:
                raise SystemExit("batch full")
        data = bytes(builder.build())
        written_codec = DefaultRecordBatch(bytearray(data)).compression_type
        path = os.path.join(directory, f"{name}.bin")
        with open(path, "wb") as f:
            f.write(data)
        manifest.append({
            "file": path, "codec": CODEC_NAMES[written_codec], "producer_id": 4242, "producer_epoch": 3,
            "base_sequence": 10, "is_transactional": transactional,
            "records": [{"offset": r["offset"], "timestamp": r["timestamp"], "key": hexify(r["key"]),
                         "value": hexify(r["value"]),
                         "headers": [[k, hexify(v)] for k, v in r["headers"]]} for r in records],
        })
    with open(os.path.join(directory, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


def read(paths):
    out = []
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        batches = []
        records = MemoryRecords(data)
        while records.has_next():
            batch = records.next_batch()
            if batch is None:
                break
            crc_valid = batch.validate_crc()  # must come before iteration decompresses
            batches.append({
                "codec": CODEC_NAMES[batch.compression_type], "crc_valid": crc_valid,
                "base_offset": batch.base_offset, "last_offset_delta": batch.last_offset_delta,
                "producer_id": batch.producer_id, "producer_epoch": batch.producer_epoch,
                "base_sequence": batch.base_sequence, "is_transactional": batch.is_transactional,
                "is_control": batch.is_control_batch, "timestamp_type": batch.timestamp_type,
                "first_timestamp": batch.first_timestamp, "max_timestamp": batch.max_timestamp,
                "records": [{"offset": r.offset, "timestamp": r.timestamp, "key": hexify(r.key),
                             "value": hexify(r.value), "headers": [[k, hexify(v)] for k, v in r.headers]}
                            for r in batch],
            })
        out.append({"file": path, "size": len(data), "valid_bytes": records.valid_bytes(), "batches": batches})
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


def main(argv):
    if len(argv) >= 3 and argv[1] == "write":
        write(argv[2])
    elif len(argv) >= 3 and argv[1] == "read":
        read(argv[2:])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
