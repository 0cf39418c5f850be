#!/usr/bin/env python3
"""The main job: the whole pipeline on the embedded endpoint, then a check.

kinesys-local (Kinesis + DynamoDB, data under .kinesys/main-job/) serves a
stream of several shards; kinesys-consumer merges it into a table (a
reading count, an exact sum of values and the last sequence per device);
kinesys-ingest takes telemetry events over HTTP with an API key. Worker
threads send the events (a device's events always from the same worker, one
request at a time, so their order is defined), a progress line shows each
stage, and at the end every device's item is compared with what was sent.
The last line printed says PASS or FAIL; the exit status is 0 or 1.
"""
import argparse
import http.client
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal

STREAM = "telemetry"
TABLE = "device_stats"
ACCESS_KEY, SECRET_KEY, REGION = "kinesys-local", "kinesys-local-secret", "us-east-1"
MEASUREMENTS = ("temperature", "humidity", "pressure")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin-dir", required=True, help="folder with kinesys-local, kinesys-consumer, kinesys-ingest")
    p.add_argument("--short", action="store_true", help="20,000 events from 200 devices (CI)")
    p.add_argument("--events", type=int, default=200_000, help="events to send (default 200000)")
    p.add_argument("--devices", type=int, default=1000, help="distinct device_id values (default 1000)")
    p.add_argument("--shards", type=int, default=4, help="shards of the stream (default 4)")
    p.add_argument("--rate", type=int, default=5000, help="table write rate target, items/s (default 5000)")
    p.add_argument("--workers", type=int, default=8, help="HTTP client threads (default 8)")
    p.add_argument("--batch", type=int, default=100, help="events per batch request (default 100)")
    p.add_argument("--work-dir", default=".kinesys/main-job", help="data, logs and configuration")
    p.add_argument("--timeout", type=float, default=300, help="seconds to wait for the table to catch up")
    a = p.parse_args()
    if a.short:
        a.events, a.devices = min(a.events, 20_000), min(a.devices, 200)
    if a.events < 1 or a.devices < 1 or a.workers < 1 or a.batch < 1 or a.shards < 1:
        p.error("--events, --devices, --workers, --batch and --shards must be at least 1")
    return a


class Processes:
    """Children started by the job, stopped by PID in reverse order."""

    def __init__(self, log_dir):
        self.log_dir, self.children = log_dir, []

    def start(self, name, argv, env=None):
        log = open(os.path.join(self.log_dir, name + ".log"), "w")
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=log, text=True, env=env,
                                start_new_session=True)
        self.children.append((name, proc))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            # Wait for output with a bound: a child that stalls silently must not hang the job.
            ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("listening"):
                threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain the rest
                return int(line.split()[-1].rsplit(":", 1)[-1])
        raise RuntimeError(f"{name} did not print its listening line within 60 s (exit status {proc.poll()}); see {log.name}")

    def stop_all(self):
        for name, proc in reversed(self.children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for name, proc in reversed(self.children):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                print(f"{name} (pid {proc.pid}) did not stop on SIGTERM; killing it", file=sys.stderr)
                proc.kill()
                proc.wait()


def metrics(port):
    """Prometheus text → {name: sum over labels, name+'@max': max}."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
    finally:
        conn.close()
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)", line)
        if not m:
            continue
        try:
            v = float(m.group(3))
        except ValueError:
            continue
        out[m.group(1)] = out.get(m.group(1), 0.0) + v
        out[m.group(1) + "@max"] = max(out.get(m.group(1) + "@max", v), v)
    return out


class Load:
    """Sends the events; remembers, per device, what was acknowledged."""

    def __init__(self, args, port, api_key):
        self.args, self.port, self.api_key = args, port, api_key
        self.sent = self.acked = self.failed = self.retried = 0
        self.lock = threading.Lock()
        self.expected = {}  # device_id → [readings, sum of values, last seq]
        self.errors = []

    def device_ids(self, worker):
        return [f"device-{d:05d}" for d in range(worker, self.args.devices, self.args.workers)]

    def run(self, worker, quota):
        rng = random.Random(worker)
        devices = self.device_ids(worker)
        if not devices:
            return
        seq = {d: 0 for d in devices}
        base = {d: Decimal(rng.randint(150, 350)) / 10 for d in devices}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        next_device, requests = 0, 0
        while quota > 0:
            # Mostly the batch form; every tenth request one event in the seed's single PUT /stream shape.
            single = requests % 10 == 9
            n = 1 if single else min(quota, self.args.batch)
            events = []
            for _ in range(n):
                d = devices[next_device % len(devices)]
                next_device += 1
                seq[d] += 1
                value = base[d] + Decimal(rng.randint(-50, 50)) / 10
                events.append({"device_id": d, "seq": seq[d], "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                               "measurement": MEASUREMENTS[seq[d] % 3], "value": value})
            self.send(conn, events, single)
            requests += 1
            quota -= len(events)
        conn.close()

    def send(self, conn, events, single):
        # Numbers written as JSON numbers, the value exactly as generated (Decimal, not float).
        payloads = ["{" + ", ".join(f'"{k}": {v}' if k in ("seq", "value") else f'"{k}": {json.dumps(v)}'
                                     for k, v in e.items()) + "}" for e in events]
        if single:
            path, body = "/prod/stream", '{"stream": "%s", "payload": %s}' % (STREAM, payloads[0])
        else:
            path, body = f"/prod/streams/{STREAM}/records", "[" + ",".join(payloads) + "]"
        headers = {"Content-Type": "application/json", "x-api-key": self.api_key}
        with self.lock:
            self.sent += len(events)
        for attempt in range(20):
            try:
                conn.request("PUT", path, body=body, headers=headers)
                resp = conn.getresponse()
                answer = resp.read()
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                self.note_error(f"{path}: {e}")
                time.sleep(min(2.0, 0.05 * 2 ** attempt))  # a client's backoff, not a synchronisation
                continue
            if resp.status in (429, 503):
                with self.lock:
                    self.retried += 1
                time.sleep(float(resp.getheader("Retry-After", "1")))
                continue
            results = [None] * len(events)
            if resp.status in (200, 207) and not single:
                results = json.loads(answer)["results"]
            elif resp.status != 200:
                self.note_error(f"{path}: HTTP {resp.status} {answer[:200]!r}")
                results = [{"error": resp.status}] * len(events)
            self.account(events, results)
            return
        self.account(events, [{"error": "gave up"}] * len(events))

    def account(self, events, results):
        with self.lock:
            for e, r in zip(events, results):
                if r is not None and "error" in r:
                    self.failed += 1
                    continue
                self.acked += 1
                x = self.expected.setdefault(e["device_id"], [0, Decimal(0), 0])
                x[0] += 1
                x[1] += e["value"]
                x[2] = max(x[2], e["seq"])

    def note_error(self, text):
        with self.lock:
            if len(self.errors) < 5:
                self.errors.append(text)


def progress(load, ingest_port, consumer_port, target, started, done, tty):
    """Prints the pipeline's state every second until `done` is set."""
    last_items, last_t, shown = 0.0, time.monotonic(), 0.0
    while not done.wait(1.0):
        try:
            c, i = metrics(consumer_port), metrics(ingest_port)
        except OSError:
            continue
        now = time.monotonic()
        items = c.get("kinesys_consumer_items_written_total", 0.0)
        rate = (items - last_items) / max(now - last_t, 1e-3)
        last_items, last_t = items, now
        line = (f"[{now - started:5.1f}s] sent {load.sent:>8} | ingest acked {int(i.get('kinesys_ingest_records_total', 0)):>8}"
                f" | read from stream {int(c.get('kinesys_consumer_records_read_total', 0)):>8}"
                f" | applied {int(c.get('kinesys_consumer_records_written_total', 0)):>8}"
                f" | items written {rate:7.0f}/s (target {target}/s)"
                f" | iterator age {int(c.get('kinesys_consumer_millis_behind_latest@max', 0))} ms")
        if tty:
            print("\r" + line, end="", flush=True)
        elif now - shown >= 5:
            print(line, flush=True)
            shown = now
    if tty:
        print()


def verify(dynamodb, load):
    """Compares every item of the table with what was acknowledged."""
    items = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName=TABLE):
        for item in page["Items"]:
            items[item["device_id"]["S"]] = item
    problems = []
    for device, (count, total, last_seq) in sorted(load.expected.items()):
        item = items.get(device)
        if item is None:
            problems.append(f"{device}: missing from the table")
            continue
        got = (int(item["readings"]["N"]), Decimal(item["value"]["N"]), int(item["seq"]["N"]))
        if got != (count, total, last_seq):
            problems.append(f"{device}: table has readings={got[0]} value={got[1]} seq={got[2]}, "
                            f"sent readings={count} value={total} seq={last_seq}")
    extra = sorted(set(items) - set(load.expected))
    problems += [f"{d}: in the table but never acknowledged" for d in extra[:5]]
    sample = random.Random(7).sample(sorted(load.expected), min(3, len(load.expected)))
    return items, problems, sample


def wait_for_consumer(consumer_port, acked, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        c = metrics(consumer_port)
        finished = sum(c.get(f"kinesys_consumer_records_{k}_total", 0.0) for k in ("written", "skipped", "dead_lettered"))
        if finished >= acked:
            return c
        time.sleep(0.2)  # polling a remote counter: nothing to wait on but time
    return None


def main():
    args = parse_args()
    bin_dir = os.path.abspath(args.bin_dir)
    for name in ("kinesys-local", "kinesys-consumer", "kinesys-ingest"):
        if not os.access(os.path.join(bin_dir, name), os.X_OK):
            sys.exit(f"{name} is not in {bin_dir}: build it first (scripts/run-main-job.sh does)")
    work = os.path.abspath(args.work_dir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "logs"))
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_REGION=REGION)
    for k in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KINESIS", "AWS_ENDPOINT_URL_DYNAMODB"):
        env.pop(k, None)
    procs = Processes(os.path.join(work, "logs"))
    started = time.monotonic()
    try:
        local_port = procs.start("kinesys-local", [os.path.join(bin_dir, "kinesys-local"), "--port", "0",
                                                   "--data-dir", os.path.join(work, "local-data")], env)
        endpoint = f"http://127.0.0.1:{local_port}"
        print(f"kinesys-local     {endpoint} (data in {os.path.relpath(work)}/local-data)")

        import boto3  # python3-boto3: the setup and the final check use a second, independent client
        session = boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION)
        kinesis = session.client("kinesis", endpoint_url=endpoint)
        dynamodb = session.client("dynamodb", endpoint_url=endpoint)
        kinesis.create_stream(StreamName=STREAM, ShardCount=args.shards)
        kinesis.get_waiter("stream_exists").wait(StreamName=STREAM, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
        print(f"stream            {STREAM}, {args.shards} shards")

        config = os.path.join(work, "consumer.toml")
        with open(config, "w") as f:
            f.write(f"""stream = "{STREAM}"
application = "main-job"
cores = 2
[aws]
region = "{REGION}"
kinesis_endpoint = "{endpoint}"
dynamodb_endpoint = "{endpoint}"
[read]
batch_size = 2000
interval_ms = 200
[write]
mode = "merge"
[tables.{TABLE}]
hash_key = "device_id"
counters = ["value"]
count_attribute = "readings"
rate_limit = {args.rate}
create_if_missing = true
[dead_letter]
file = "{os.path.join(work, 'dead-letters.ndjson')}"
[metrics]
port = 0
""")
        consumer_port = procs.start("kinesys-consumer", [os.path.join(bin_dir, "kinesys-consumer"), "--config", config], env)
        print(f"kinesys-consumer  {STREAM} → table {TABLE} (merge: readings count, exact sum of value, last seq), "
              f"{args.rate} items/s, metrics http://127.0.0.1:{consumer_port}/metrics")

        api_key = os.urandom(16).hex()
        keys = os.path.join(work, "ingest-keys.toml")
        with open(keys, "w") as f:
            f.write(f'[[tenant]]\nname = "demo"\napi_key = "{api_key}"\nstreams = ["{STREAM}"]\nrate_limit = 0\n')
        os.chmod(keys, 0o600)
        ingest_port = procs.start("kinesys-ingest", [os.path.join(bin_dir, "kinesys-ingest"), "--port", "0",
                                                     "--kinesis-endpoint", endpoint, "--region", REGION,
                                                     "--keys-file", keys, "--path-prefix", "/prod",
                                                     "--partition-key-field", "device_id",
                                                     "--set", "RecordMaxBufferedTime=20ms"], env)
        print(f"kinesys-ingest    http://127.0.0.1:{ingest_port}/prod/stream (x-api-key from {os.path.relpath(keys)})")
        print(f"sending {args.events} events from {args.devices} devices over {args.workers} connections")

        load = Load(args, ingest_port, api_key)
        quotas = [args.events // args.workers + (1 if w < args.events % args.workers else 0) for w in range(args.workers)]
        done = threading.Event()
        watcher = threading.Thread(target=progress, args=(load, ingest_port, consumer_port, args.rate, started, done,
                                                          sys.stdout.isatty()), daemon=True)
        watcher.start()
        t0 = time.monotonic()
        workers = [threading.Thread(target=load.run, args=(w, q)) for w, q in enumerate(quotas)]
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        send_s = time.monotonic() - t0
        final = wait_for_consumer(consumer_port, load.acked, args.timeout)
        done.set()
        watcher.join()
        elapsed = time.monotonic() - started
        print(f"sent {load.sent} events in {send_s:.1f} s ({load.sent / max(send_s, 1e-9):,.0f}/s), "
              f"{load.acked} acknowledged, {load.failed} failed, {load.retried} requests retried")
        for e in load.errors:
            print("  client error:", e)
        if final is None:
            print(f"main job: FAIL — the consumer had not finished {load.acked} records after {args.timeout:.0f} s "
                  f"(logs in {os.path.relpath(work)}/logs)")
            return 1
        items, problems, sample = verify(dynamodb, load)
        for device in sample:
            it = items.get(device, {})
            print(f"  sample {device}: readings={it.get('readings', {}).get('N')} value={it.get('value', {}).get('N')} "
                  f"last seq={it.get('seq', {}).get('N')} (sent {load.expected[device][0]}, {load.expected[device][1]}, "
                  f"{load.expected[device][2]})")
        for p in problems[:10]:
            print("  mismatch:", p)
        dead = os.path.join(work, "dead-letters.ndjson")
        dead_count = sum(1 for _ in open(dead)) if os.path.exists(dead) else 0
        duplicates = int(final.get("kinesys_consumer_duplicates_dropped_total", 0))
        if problems or load.failed or dead_count:
            print(f"main job: FAIL — {len(problems)} of {len(load.expected)} devices differ, {load.failed} events failed, "
                  f"{dead_count} dead letters (logs in {os.path.relpath(work)}/logs)")
            return 1
        print(f"main job: PASS — {load.acked} events sent over HTTP are in {TABLE} exactly once: "
              f"{len(items)} devices match (readings, sum of values, last seq); {duplicates} duplicates dropped, "
              f"0 dead letters; {elapsed:.1f} s")
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted: stopping every process started")
        return 130
    except Exception as e:  # a clear line instead of a traceback for a user
        print(f"main job: FAIL — {e}")
        return 1
    finally:
        procs.stop_all()


if __name__ == "__main__":
    sys.exit(main())
