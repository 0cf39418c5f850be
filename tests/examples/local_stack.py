"""Helpers for the example tests: kinesys-local as a child process on a free
loopback port, boto3 clients signed with its documented key pair, and a
reader that splits KPL-aggregated Kinesis records into user records (the
examples' producer aggregates by default)."""

import hashlib
import os
import selectors
import signal
import subprocess
import sys
import time

SKIP = 77  # ctest SKIP_RETURN_CODE of every example test

try:
    import boto3
    import botocore.config
except ImportError:  # pragma: no cover - depends on the machine
    boto3 = None

ACCESS_KEY = "kinesys-local"
SECRET_KEY = "kinesys-local-secret"
REGION = "us-east-1"
KPL_MAGIC = b"\xf3\x89\x9a\xc2"


def skip(reason):
    print(f"skipped: {reason}")
    sys.exit(SKIP)


def fail(message):
    print(f"FAILED: {message}")
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def wait_for_line(proc, prefix, timeout, log_path=None):
    """Reads proc's stdout until a line starts with prefix; returns it. On
    failure the tail of log_path (the process's stderr) is printed."""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        if not sel.select(timeout=max(0.0, deadline - time.monotonic())):
            break
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith(prefix):
            return line.strip()
    proc.kill()
    if log_path:
        with open(log_path, errors="replace") as log:
            print(log.read()[-3000:])
    fail(f"{proc.args[0]} did not print '{prefix}...' within {timeout}s; printed: {''.join(seen)!r}")


def stop(proc, timeout=15):
    """SIGTERM, then the exit status (SIGKILL after timeout)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        fail(f"{proc.args[0]} did not stop within {timeout}s of SIGTERM")


class LocalStack:
    """kinesys-local --port 0 --in-memory, stopped on exit."""

    def __init__(self, bin_dir):
        if boto3 is None:
            skip("python3 has no boto3 (apt-get install python3-boto3)")
        binary = os.path.join(bin_dir, "kinesys-local")
        if not os.path.exists(binary):
            skip(f"{binary} is not built")
        self.proc = subprocess.Popen([binary, "--port", "0", "--in-memory"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        line = wait_for_line(self.proc, "listening ", 20)
        self.endpoint = "http://" + line.split()[1]
        config = botocore.config.Config(retries={"max_attempts": 10, "mode": "standard"})
        session = boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                                        region_name=REGION)
        self.kinesis = session.client("kinesis", endpoint_url=self.endpoint, config=config)
        self.dynamodb = session.client("dynamodb", endpoint_url=self.endpoint, config=config)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        stop(self.proc)

    def environment(self):
        """What a user sets to point the examples at an endpoint."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ENDPOINT_URL_KINESIS=self.endpoint, AWS_ENDPOINT_URL_DYNAMODB=self.endpoint,
                   AWS_REGION=REGION, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
        return env

    def create_stream(self, name, shards):
        self.kinesis.create_stream(StreamName=name, ShardCount=shards)
        self.kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 0.1})

    def shards(self, name):
        return self.kinesis.list_shards(StreamName=name)["Shards"]

    def read_user_records(self, name):
        """Every user record of the stream as (shard id, partition key, data,
        Kinesis sequence number), each shard in stream order."""
        out = []
        for shard in self.shards(name):
            iterator = self.kinesis.get_shard_iterator(StreamName=name, ShardId=shard["ShardId"],
                                                       ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            while iterator:
                page = self.kinesis.get_records(ShardIterator=iterator, Limit=10000)
                for r in page["Records"]:
                    for key, data in deaggregate(r["PartitionKey"], r["Data"]):
                        out.append((shard["ShardId"], key, data, r["SequenceNumber"]))
                if not page["Records"] or page.get("MillisBehindLatest", 0) == 0:
                    break
                iterator = page.get("NextShardIterator")
        return out


def shard_for_key(shards, partition_key=None, explicit_hash_key=None):
    """The shard whose hash-key range holds MD5(partition key), as Kinesis
    routes a record: an independent check of where the producer put it."""
    h = int(explicit_hash_key) if explicit_hash_key is not None else \
        int.from_bytes(hashlib.md5(partition_key.encode()).digest(), "big")
    for s in shards:
        r = s["HashKeyRange"]
        if int(r["StartingHashKey"]) <= h <= int(r["EndingHashKey"]):
            return s["ShardId"]
    return None


def _varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def _fields(buf):
    """(field number, value) of a protobuf message (varints and bytes only)."""
    pos = 0
    while pos < len(buf):
        tag, pos = _varint(buf, pos)
        kind = tag & 7
        if kind == 0:
            value, pos = _varint(buf, pos)
        elif kind == 2:
            size, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + size], pos + size
        else:
            raise ValueError(f"unexpected protobuf wire type {kind}")
        yield tag >> 3, value


def deaggregate(partition_key, data):
    """The user records of one Kinesis record: the KPL aggregated format
    (magic, AggregatedRecord protobuf, MD5 of it), or a plain record."""
    if not data.startswith(KPL_MAGIC) or len(data) < 20:
        return [(partition_key, data)]
    body, digest = data[4:-16], data[-16:]
    if hashlib.md5(body).digest() != digest:
        return [(partition_key, data)]
    keys, records = [], []
    for number, value in _fields(body):
        if number == 1:
            keys.append(value.decode())
        elif number == 3:
            fields = dict(_fields(value))
            records.append((fields.get(1, 0), fields.get(3, b"")))
    return [(keys[i], d) for i, d in records]
