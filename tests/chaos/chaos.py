#!/usr/bin/env python3
"""End-to-end chaos run: kinesys producer -> kinesys-local -> kinesys-consumer.

While events flow, the run injects server faults (500s, throttling, resets
before and mid answer), TCP faults through tcp_proxy.py between the clients
and kinesys-local (added latency, stalls, every connection reset at once),
kill -9s and restarts the consumer, the producer (on its spool directory)
and kinesys-local (on its data directory), splits a shard, merges two
adjacent shards and stops the consumer gracefully once. Then it checks:
  * per key, the table holds every event exactly once in effect: the event
    count and the sum of amounts equal those of the events acknowledged by
    any producer incarnation plus those a killed one had spooled (accepted)
    without seeing them acknowledged, and the last-written field holds the
    last of them;
  * read back from the stream, every such event is there, nothing else is,
    and per key the first occurrences of events come in increasing event
    order along the key's shard lineage (parents before children).
An event a killed producer was handing over but had not yet reported
spooled may or may not have been spooled; the restart skips it, and the
stream decides whether it is expected.

  chaos.py --bin-dir build/dev/bin --producer build/dev/tests/chaos/kinesys_chaos_producer --seed 7
  chaos.py ... --long 3600      # an hour of repeated cycles
Seeded: the same --seed schedules the same actions at the same offsets and
gives the same events (the interleaving of processes still varies).
"""
import argparse
import base64
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

from tcp_proxy import FaultProxy

CREDS = dict(aws_access_key_id="kinesys-local", aws_secret_access_key="kinesys-local-secret", region_name="us-east-1")
STREAM, TABLE = "chaos", "chaos_table"
READ_STREAM_JS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers", "producer-read-stream.js")


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


def open_shards(kinesis):
    """Open shards, ordered by hash range."""
    shards = kinesis.list_shards(StreamName=STREAM)["Shards"]
    live = [sh for sh in shards if "EndingSequenceNumber" not in sh["SequenceNumberRange"]]
    return sorted(live, key=lambda sh: int(sh["HashKeyRange"]["StartingHashKey"]))


def merge_once(kinesis, rng):
    """MergeShards of a seeded pair of adjacent open shards, tolerating its
    own retry as split_once() does: a refusal because a shard is no longer
    open is accepted once ListShards shows the merged child of exactly this
    pair. Returns the pair, or None when fewer than two shards are open."""
    live = open_shards(kinesis)
    pairs = [(a["ShardId"], b["ShardId"]) for a, b in zip(live, live[1:])
             if int(a["HashKeyRange"]["EndingHashKey"]) + 1 == int(b["HashKeyRange"]["StartingHashKey"])]
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    try:
        kinesis.merge_shards(StreamName=STREAM, ShardToMerge=a, AdjacentShardToMerge=b)
    except kinesis.exceptions.ResourceInUseException:
        shards = kinesis.list_shards(StreamName=STREAM)["Shards"]
        if not any({s.get("ParentShardId"), s.get("AdjacentParentShardId")} == {a, b} for s in shards):
            raise
        log(f"merge of {a} and {b} was applied; its retry was refused as already merged")
    return a, b


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
    """One incarnation of the producer program and what it reported: events
    it was handing over (put), had spooled (accepted), saw acknowledged or
    failed."""

    def __init__(self, cmd, incarnation):
        self.incarnation = incarnation
        self.put, self.accepted, self.acked = {}, {}, {}  # event -> (key, amount)
        self.failed = []
        self.done = None
        self.killed = False
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            parts = line.split()
            if not parts:
                continue
            if parts[0] in ("put", "accepted", "ack") and len(parts) == 4:
                getattr(self, {"put": "put", "accepted": "accepted", "ack": "acked"}[parts[0]])[int(parts[1])] = (
                    parts[2], int(parts[3]))
            elif parts[0] == "fail":
                self.failed.append(line.strip())
            elif parts[0] == "done":
                self.done = line.strip()

    def kill(self):
        self.killed = True
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.reader.join(timeout=10)

    def wait(self, timeout):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=10)
        return self.proc.returncode


class Producers:
    """The producer across kill -9s: each incarnation runs on the same spool
    directory under the same producer id, as a fixed ProducerId in a
    configuration file would (its stamps must continue above its
    predecessor's), and continues after the last event its predecessor began
    to hand over."""

    def __init__(self, binary, endpoint, spool, events, keys, rate, seed):
        self.binary, self.endpoint, self.spool = binary, endpoint, spool
        self.events, self.keys, self.rate, self.seed = events, keys, rate, seed
        self.all = []
        self.start(0)

    @property
    def current(self):
        return self.all[-1]

    def start(self, first):
        n = len(self.all)
        self.all.append(Producer([self.binary, self.endpoint, STREAM, self.spool, str(first), str(self.events - first),
                                  str(self.keys), str(self.rate), str(self.seed), "chaos"], n))

    def kill_and_restart(self, pause):
        """Returns a line describing what happened, or None if the producer
        had already finished."""
        p = self.current
        if p.proc.poll() is not None:
            return None
        p.kill()
        unacked = [e for e in p.accepted if e not in p.acked]
        in_doubt = [e for e in p.put if e not in p.accepted and e not in p.acked]
        first = max(p.put) + 1 if p.put else int(self.all[-1].proc.args[4])
        time.sleep(pause)
        self.start(first)
        return (f"producer chaos-{p.incarnation} killed after {len(p.put)} puts: {len(p.acked)} acknowledged, "
                f"{len(unacked)} spooled but unacknowledged, {len(in_doubt)} in doubt {sorted(in_doubt)}; "
                f"chaos-{p.incarnation + 1} continues at event {first}")

    def acked(self):
        out = {}
        for p in self.all:
            out.update(p.acked)
        return out

    def spooled_unacked(self):
        """Events a killed incarnation had spooled and not seen acknowledged:
        a later one re-sends them from the spool."""
        out = {}
        for p in self.all:
            if p.killed:
                out.update({e: v for e, v in p.accepted.items() if e not in p.acked})
        return out

    def in_doubt(self):
        out = {}
        for p in self.all:
            if p.killed:
                out.update({e: v for e, v in p.put.items() if e not in p.accepted and e not in p.acked})
        return out


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


def read_stream(endpoint):
    """Every user record in the stream as (shard id, event), shards in
    lineage order (a child's number is above its parents'), records in
    stream order."""
    out = subprocess.run(["node", READ_STREAM_JS, endpoint, STREAM], capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(f"producer-read-stream.js failed: {out.stderr.strip()[-500:]}")
    records = []
    for r in json.loads(out.stdout):
        payload = json.loads(base64.b64decode(r["data"]))
        records.append((r["shardId"], payload["key"], payload["event"]))
    records.sort(key=lambda r: int(r[0].rsplit("-", 1)[1]))  # stable: stream order within a shard
    return records


def order_violations(records):
    """Per key, the first occurrence of each event must come after the first
    occurrences of all smaller events (duplicates from retries are fine)."""
    seen, highest, bad = set(), {}, []
    for shard, key, event in records:
        if event in seen:
            continue
        seen.add(event)
        if event < highest.get(key, -1):
            bad.append(f"{key}: event {event} first seen in {shard} after event {highest[key]}")
        highest[key] = max(event, highest.get(key, -1))
    return bad


def schedule(rng, duration, cycles):
    """(offset, action) pairs: each cycle covers every fault kind once, in
    a seeded order at seeded offsets; a merge always follows the cycle's
    split. Splits stop after the third cycle."""
    kinds = ["kill_consumer", "split_shard", "kill_local", "kill_consumer", "stop_consumer", "kill_producer",
             "merge_shards", "cut_connections", "stall"]
    actions = []
    span = duration / cycles
    for c in range(cycles):
        body = [k for k in kinds if k != "merge_shards" and (k != "split_shard" or c < 3)]
        rng.shuffle(body)
        after = body.index("split_shard") + 1 if "split_shard" in body else 0
        body.insert(rng.randint(after, len(body)), "merge_shards")
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
                    "split_shard, merge_shards, kill_local, stop_consumer, kill_producer, cut_connections, stall); "
                    "may repeat")
    args = ap.parse_args()

    duration = args.long or args.duration
    cycles = max(1, int(duration // 40))
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="kinesys-chaos-")
    port = free_port()
    local = Local(args.local or os.path.join(args.bin_dir, "kinesys-local"), port, os.path.join(work, "local"))
    proxy = FaultProxy(port)
    proxy_port = proxy.start()
    config = os.path.join(work, "consumer.toml")
    consumer_config(config, proxy_port, work)
    consumer = Consumer(args.consumer or os.path.join(args.bin_dir, "kinesys-consumer"), config, os.path.join(work, "consumer.log"))
    producers = None
    did = {}
    ok = False
    try:
        local.start()
        endpoint = f"http://127.0.0.1:{port}"
        proxied = f"http://127.0.0.1:{proxy_port}"
        cfg = Config(retries={"max_attempts": 10, "mode": "standard"}, connect_timeout=2, read_timeout=5)
        kinesis = boto3.client("kinesis", endpoint_url=endpoint, config=cfg, **CREDS)
        dynamo = boto3.client("dynamodb", endpoint_url=endpoint, config=cfg, **CREDS)
        kinesis.create_stream(StreamName=STREAM, ShardCount=2)
        log(f"seed {args.seed}: kinesys-local on {port}, fault proxy on {proxy_port} (producer and consumer), "
            f"data in {work}; stream {STREAM} (2 shards); {duration:.0f} s at {args.rate:.0f} events/s over "
            f"{args.keys} keys")
        consumer.start()

        events = int(duration * args.rate)
        producers = Producers(args.producer, proxied, os.path.join(work, "spool"), events, args.keys, args.rate,
                              args.seed)
        started = time.monotonic()
        fault_seed = rng.randrange(1 << 30)
        for at, kind in schedule(rng, duration, cycles):
            if kind in args.skip:
                continue
            delay = started + at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            did[kind] = did.get(kind, 0) + 1
            note = ""
            now = f"t={time.monotonic() - started:5.1f}s"
            if kind == "faults_on":
                latency = rng.uniform(0.002, 0.02)
                local.set_faults({"internal_failure": 0.03, "throttle": 0.05, "reset_before_response": 0.02,
                                  "reset_mid_response": 0.02, "seed": fault_seed})
                proxy.delay(latency)
                note = f" (and {latency * 1000:.0f} ms per chunk through the proxy)"
            elif kind == "faults_off":
                local.set_faults({"internal_failure": 0, "throttle": 0, "reset_before_response": 0,
                                  "reset_mid_response": 0})
                proxy.delay(0)
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
            elif kind == "kill_producer":
                what = producers.kill_and_restart(rng.uniform(0.2, 1.0))
                note = f": {what}" if what else ": the producer had finished; nothing to kill"
            elif kind == "split_shard":
                shard = rng.choice(open_shards(kinesis))
                lo, hi = (int(shard["HashKeyRange"][k]) for k in ("StartingHashKey", "EndingHashKey"))
                split_once(kinesis, shard["ShardId"], str((lo + hi + 1) // 2))
                note = f" {shard['ShardId']} in the middle of its hash range"
            elif kind == "merge_shards":
                pair = merge_once(kinesis, rng)
                note = f" {pair[0]} + {pair[1]}" if pair else ": fewer than two open shards"
            elif kind == "cut_connections":
                note = f": {proxy.cut_connections()} connections reset"
            elif kind == "stall":
                seconds = rng.uniform(1.0, 4.0)
                note = f" {seconds:.1f} s"
                log(f"{now} {kind}{note}")
                proxy.stall(seconds)
                continue
            log(f"{now} {kind}{note}")

        code = producers.current.wait(timeout=duration + 300)
        local.set_faults({"internal_failure": 0, "throttle": 0, "reset_before_response": 0, "reset_mid_response": 0})
        last = producers.current
        acked = producers.acked()
        spooled = producers.spooled_unacked()
        doubt = producers.in_doubt()
        log(f"producer chaos-{last.incarnation}: {last.done}; exit {code}; {len(last.acked)} of {len(last.put)} "
            f"it put acknowledged; {len(acked)} acknowledged by {len(producers.all)} incarnations")
        failed = [f for p in producers.all for f in p.failed]
        if failed:
            log("producer failures: " + "; ".join(failed[:5]))

        # What the stream holds decides the in-doubt events; everything else
        # the producer promised (acknowledged, or spooled before a kill) must
        # be there.
        records = read_stream(endpoint)
        in_stream = {}
        for _, _, event in records:
            in_stream[event] = in_stream.get(event, 0) + 1
        promised = dict(acked)
        promised.update(spooled)
        expected = dict(promised)
        expected.update({e: v for e, v in doubt.items() if e in in_stream})
        not_in_stream = sorted(e for e in promised if e not in in_stream)
        foreign = sorted(e for e in in_stream if e not in expected)
        spooled_delivered = sum(1 for e in spooled if e in in_stream)
        violations = order_violations(records)
        for v in violations[:20]:
            log(f"ORDER {v}")
        copies = len(records) - len(in_stream)
        log(f"stream: {len(records)} user records, {len(in_stream)} distinct events ({copies} retry copies); "
            f"{len(spooled)} spooled-but-unacknowledged events of killed producers, {spooled_delivered} in the stream; "
            f"{len(doubt)} in doubt, {sum(1 for e in doubt if e in in_stream)} in the stream; "
            f"{len(not_in_stream)} promised events missing {not_in_stream[:10]}; {len(foreign)} unexpected {foreign[:10]}; "
            f"per-key order violations {len(violations)}")

        expect = {}
        for event in sorted(expected):
            key, amount = expected[event]
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
        for key, (count, amount, last_event) in expect.items():
            it = items.get(key)
            got = int(it["events"]["N"]) if it and "events" in it else 0
            if got < count:
                missing += count - got
                log(f"MISSING {key}: {got} events applied, {count} expected")
            elif got > count:
                duplicated += got - count
                log(f"DUPLICATED {key}: {got} events applied, {count} expected")
            if it and int(it["amount"]["N"]) != amount:
                wrong_sum += 1
                log(f"SUM {key}: {it['amount']['N']} applied, {amount} expected")
            if it and int(it["event"]["N"]) != last_event:
                wrong_last += 1
                log(f"LAST {key}: event {it['event']['N']} in the table, {last_event} sent last")
        extra = [k for k in items if k not in expect]
        dead = os.path.getsize(os.path.join(work, "dead-letters.ndjson")) if os.path.exists(
            os.path.join(work, "dead-letters.ndjson")) else 0
        shards = kinesis.list_shards(StreamName=STREAM)["Shards"]
        log("did: " + ", ".join(f"{k} x{v}" for k, v in sorted(did.items())) +
            f"; consumer started {consumer.starts} times; producer started {len(producers.all)} times; "
            f"proxy: {proxy.connections} connections, {proxy.resets} reset; {len(shards)} shards at the end "
            f"({len(open_shards(kinesis))} open)")
        log(f"verified {len(expect)} keys, {total} expected events ({len(acked)} acknowledged): missing {missing}, "
            f"duplicated {duplicated}, wrong sums {wrong_sum}, wrong last values {wrong_last}, unexpected keys "
            f"{len(extra)}, dead-letter bytes {dead}")
        handed_over = {e for p in producers.all for e in p.put}
        ok = (code == 0 and len(last.acked) == len(last.put) and len(handed_over) == events
              and not failed and missing == 0 and duplicated == 0 and wrong_sum == 0 and wrong_last == 0
              and not extra and dead == 0 and not not_in_stream and not foreign and not violations)
        log("PASS" if ok else "FAIL")
    finally:
        if producers and producers.current.proc.poll() is None:
            producers.current.proc.kill()
        consumer.stop()
        local.stop()
        proxy.close()
        if ok and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"work directory kept: {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
