#!/usr/bin/env python3
"""End-to-end chaos run: kinesys producer -> kinesys-local -> kinesys-consumer.

While events flow, the run injects server faults (500s, throttling, resets
before and mid answer), kill -9s and restarts the consumer, kill -9s and
restarts kinesys-local on its data directory, splits a shard and stops the
consumer gracefully once. Then it checks, per key, that the table holds
every acknowledged event exactly once in effect: the event count and the sum
of amounts equal what the producer was told was acknowledged, and the
last-written field holds the last event sent.

  chaos.py --bin-dir build/dev/bin --producer build/dev/tests/chaos/kinesys_chaos_producer --seed 7
  chaos.py ... --long 3600      # an hour of repeated cycles
Seeded: the same --seed schedules the same actions at the same offsets and
gives the same events (the interleaving of processes still varies).
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import boto3
from botocore.config import Config

CREDS = dict(aws_access_key_id="kinesys-local", aws_secret_access_key="kinesys-local-secret", region_name="us-east-1")
STREAM, TABLE = "chaos", "chaos_table"


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def split_once(kinesis, shard, new_starting_hash_key):
    """SplitShard that tolerates its own retry: with faults on, the split can
    succeed while its answer is lost, and the client's retry is then refused
    as 'already split'. That refusal is only accepted once ListShards shows
    the shard's children."""
    try:
        kinesis.split_shard(StreamName=STREAM, ShardToSplit=shard, NewStartingHashKey=new_starting_hash_key)
    except kinesis.exceptions.ResourceInUseException:
        shards = kinesis.list_shards(StreamName=STREAM)["Shards"]
        if not any(s.get("ParentShardId") == shard for s in shards):
            raise
        log(f"split of {shard} was applied; its retry was refused as already split")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Local:
    """kinesys-local on a fixed port and data directory, restartable."""

    def __init__(self, binary, port, data_dir):
        self.binary, self.port, self.data_dir, self.proc = binary, port, data_dir, None
        self.faults = None

    def start(self):
        self.proc = subprocess.Popen([self.binary, "--port", str(self.port), "--data-dir", self.data_dir, "--fsync", "never"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening "):
            raise RuntimeError(f"kinesys-local did not start: {line!r}")
        if self.faults:
            self.set_faults(self.faults)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    def set_faults(self, faults):
        self.faults = faults
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/_kinesys/faults", data=json.dumps(faults).encode(),
                                     method="POST")
        urllib.request.urlopen(req, timeout=5).read()


class Consumer:
    def __init__(self, binary, config, log_path):
        self.binary, self.config, self.log_path, self.proc, self.starts = binary, config, log_path, None, 0

    def start(self):
        self.starts += 1
        logf = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.binary, "--config", self.config], stdout=logf, stderr=logf,
                                     env=dict(os.environ, AWS_ACCESS_KEY_ID=CREDS["aws_access_key_id"],
                                              AWS_SECRET_ACCESS_KEY=CREDS["aws_secret_access_key"],
                                              AWS_REGION="us-east-1"))

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Producer:
    """Runs the producer program and records what it was told was acknowledged."""

    def __init__(self, cmd):
        self.acked = {}  # event -> (key, amount)
        self.failed = []
        self.done = None
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            parts = line.split()
            if parts[0] == "ack":
                self.acked[int(parts[1])] = (parts[2], int(parts[3]))
            elif parts[0] == "fail":
                self.failed.append(line.strip())
            elif parts[0] == "done":
                self.done = line.strip()

    def wait(self, timeout):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=10)
        return self.proc.returncode


def consumer_config(path, port, work):
    endpoint = f"http://127.0.0.1:{port}"
    with open(path, "w") as f:
        f.write(f'''stream = "{STREAM}"
application = "chaos-app"
cores = 1
log_level = "warn"
shutdown_timeout_ms = 5000

[aws]
region = "us-east-1"
kinesis_endpoint = "{endpoint}"
dynamodb_endpoint = "{endpoint}"
connect_timeout_ms = 1000
request_timeout_ms = 3000

[read]
batch_size = 1000
interval_ms = 200

[write]
mode = "merge"
max_retries = -1
retry_max_delay_ms = 1000

[checkpoint]
interval_ms = 500

[lease]
duration_ms = 3000
shard_sync_interval_ms = 2000

[dead_letter]
file = "{work}/dead-letters.ndjson"

[metrics]
port = -1

[tables.{TABLE}]
hash_key = "key"
counters = ["amount"]
count_attribute = "events"
create_if_missing = true
''')


def scan(dynamo):
    items = {}
    kwargs = dict(TableName=TABLE, ConsistentRead=True)
    while True:
        page = dynamo.scan(**kwargs)
        for it in page["Items"]:
            items[it["key"]["S"]] = it
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def schedule(rng, duration, cycles):
    """(offset, action) pairs: each cycle covers every fault kind once, in
    a seeded order at seeded offsets."""
    kinds = ["faults_on", "kill_consumer", "split_shard", "kill_local", "kill_consumer", "stop_consumer", "faults_off"]
    actions = []
    span = duration / cycles
    for c in range(cycles):
        body = kinds[1:-1]
        rng.shuffle(body)
        if c > 0:
            body = [k for k in body if k != "split_shard"] + (["split_shard"] if c < 3 else [])
        seq = ["faults_on"] + body + ["faults_off"]
        for i, kind in enumerate(seq):
            at = c * span + span * (i + rng.uniform(0.2, 0.8)) / (len(seq) + 1)
            actions.append((at, kind))
    return actions


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin-dir", default="build/dev/bin", help="directory holding kinesys-local and kinesys-consumer")
    ap.add_argument("--local", help="the kinesys-local binary (default: in --bin-dir)")
    ap.add_argument("--consumer", help="the kinesys-consumer binary (default: in --bin-dir)")
    ap.add_argument("--producer", required=True, help="the kinesys_chaos_producer binary")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--duration", type=float, default=40, help="seconds of production")
    ap.add_argument("--rate", type=float, default=150, help="events per second")
    ap.add_argument("--keys", type=int, default=50)
    ap.add_argument("--long", type=float, default=0, help="run for this many seconds instead (repeated cycles)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--skip", action="append", default=[], help="leave out an action (faults_on, kill_consumer, "
                    "split_shard, kill_local, stop_consumer); may repeat")
    args = ap.parse_args()

    duration = args.long or args.duration
    cycles = max(1, int(duration // 40))
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="kinesys-chaos-")
    port = free_port()
    local = Local(args.local or os.path.join(args.bin_dir, "kinesys-local"), port, os.path.join(work, "local"))
    config = os.path.join(work, "consumer.toml")
    consumer_config(config, port, work)
    consumer = Consumer(args.consumer or os.path.join(args.bin_dir, "kinesys-consumer"), config, os.path.join(work, "consumer.log"))
    producer = None
    did = {}
    ok = False
    try:
        local.start()
        endpoint = f"http://127.0.0.1:{port}"
        cfg = Config(retries={"max_attempts": 10, "mode": "standard"}, connect_timeout=2, read_timeout=5)
        kinesis = boto3.client("kinesis", endpoint_url=endpoint, config=cfg, **CREDS)
        dynamo = boto3.client("dynamodb", endpoint_url=endpoint, config=cfg, **CREDS)
        kinesis.create_stream(StreamName=STREAM, ShardCount=2)
        log(f"seed {args.seed}: kinesys-local on {port}, data in {work}; stream {STREAM} (2 shards); "
            f"{duration:.0f} s at {args.rate:.0f} events/s over {args.keys} keys")
        consumer.start()

        events = int(duration * args.rate)
        producer = Producer([args.producer, endpoint, STREAM, os.path.join(work, "spool"), "0", str(events),
                             str(args.keys), str(args.rate), str(args.seed)])
        started = time.monotonic()
        fault_seed = rng.randrange(1 << 30)
        split_shards = ["shardId-000000000000", "shardId-000000000001"]
        for at, kind in schedule(rng, duration, cycles):
            if kind in args.skip:
                continue
            delay = started + at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            did[kind] = did.get(kind, 0) + 1
            log(f"t={time.monotonic() - started:5.1f}s {kind}")
            if kind == "faults_on":
                local.set_faults({"internal_failure": 0.03, "throttle": 0.05, "reset_before_response": 0.02,
                                  "reset_mid_response": 0.02, "seed": fault_seed})
            elif kind == "faults_off":
                local.set_faults({"internal_failure": 0, "throttle": 0, "reset_before_response": 0,
                                  "reset_mid_response": 0})
            elif kind == "kill_consumer":
                consumer.kill()
                time.sleep(rng.uniform(0.2, 1.0))
                consumer.start()
            elif kind == "stop_consumer":
                consumer.stop()
                consumer.start()
            elif kind == "kill_local":
                local.kill()
                time.sleep(rng.uniform(0.2, 1.0))
                local.start()
            elif kind == "split_shard" and split_shards:
                shard = split_shards.pop(0)
                start_key = 0 if shard.endswith("0") else 1 << 127
                split_once(kinesis, shard, str(start_key + (1 << 126)))

        code = producer.wait(timeout=duration + 300)
        local.set_faults({"internal_failure": 0, "throttle": 0, "reset_before_response": 0, "reset_mid_response": 0})
        acked = producer.acked
        log(f"producer: {producer.done}; exit {code}; {len(acked)} of {events} acknowledged")
        if producer.failed:
            log("producer failures: " + "; ".join(producer.failed[:5]))

        expect = {}
        for event in sorted(acked):
            key, amount = acked[event]
            e = expect.setdefault(key, [0, 0, -1])
            e[0] += 1
            e[1] += amount
            e[2] = event
        total = sum(e[0] for e in expect.values())
        deadline = time.monotonic() + 120
        items = {}
        while time.monotonic() < deadline:
            items = scan(dynamo)
            applied = sum(int(it.get("events", {}).get("N", "0")) for it in items.values())
            if applied >= total:
                break
            time.sleep(0.5)
        consumer.stop()
        items = scan(dynamo)

        missing = duplicated = wrong_sum = wrong_last = 0
        for key, (count, amount, last) in expect.items():
            it = items.get(key)
            got = int(it["events"]["N"]) if it and "events" in it else 0
            if got < count:
                missing += count - got
                log(f"MISSING {key}: {got} events applied, {count} acknowledged")
            elif got > count:
                duplicated += got - count
                log(f"DUPLICATED {key}: {got} events applied, {count} acknowledged")
            if it and int(it["amount"]["N"]) != amount:
                wrong_sum += 1
                log(f"SUM {key}: {it['amount']['N']} applied, {amount} acknowledged")
            if it and int(it["event"]["N"]) != last:
                wrong_last += 1
                log(f"LAST {key}: event {it['event']['N']} in the table, {last} sent last")
        extra = [k for k in items if k not in expect]
        dead = os.path.getsize(os.path.join(work, "dead-letters.ndjson")) if os.path.exists(
            os.path.join(work, "dead-letters.ndjson")) else 0
        shards = kinesis.list_shards(StreamName=STREAM)["Shards"]
        log("did: " + ", ".join(f"{k} x{v}" for k, v in sorted(did.items())) +
            f"; consumer started {consumer.starts} times; {len(shards)} shards at the end")
        log(f"verified {len(expect)} keys, {total} acknowledged events: missing {missing}, duplicated {duplicated}, "
            f"wrong sums {wrong_sum}, wrong last values {wrong_last}, unexpected keys {len(extra)}, "
            f"dead-letter bytes {dead}")
        ok = (code == 0 and len(acked) == events and not producer.failed and missing == 0 and duplicated == 0
              and wrong_sum == 0 and wrong_last == 0 and not extra and dead == 0)
        log("PASS" if ok else "FAIL")
    finally:
        if producer and producer.proc.poll() is None:
            producer.proc.kill()
        consumer.stop()
        local.stop()
        if ok and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"work directory kept: {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
