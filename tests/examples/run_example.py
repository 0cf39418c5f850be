#!/usr/bin/env python3
"""Runs one example from examples/ against kinesys-local and checks what it
did, independently of kinesys: records are read back with boto3, aggregated
ones split here, shards predicted from MD5 and the stream's hash-key ranges.

  run_example.py NAME --bin-dir <build>/bin --examples-src <source>/examples [--program PATH]

Exit status 0 = passed, 77 = skipped (the reason is printed), else failed.
"""

import argparse
import json
import os
import re
import subprocess
import tempfile
import time

from local_stack import LocalStack, check, fail, shard_for_key, skip, stop, wait_for_line


def run(args, env, timeout=60, cwd=None):
    p = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    print(f"$ {' '.join(args)}  (exit {p.returncode})\n{p.stdout}{p.stderr}")
    return p


def producer_coroutine(o, stack):
    stack.create_stream("coroutine-demo", 2)
    p = run([o.program, "coroutine-demo", "4"], stack.environment())
    check(p.returncode == 0, "the example failed")
    line = re.compile(r"^(sensor-[abc]) #(\d+) -> (shardId-\d+) seq (\d+) sub (\d+) attempts (\d+)$")
    results = [line.match(x) for x in p.stdout.splitlines() if x.startswith("sensor-")]
    check(len(results) == 12 and all(results), "expected 12 put results, one per line")
    shards = stack.shards("coroutine-demo")
    for device in ("sensor-a", "sensor-b", "sensor-c"):
        mine = [m for m in results if m.group(1) == device]
        check([int(m.group(2)) for m in mine] == [0, 1, 2, 3], f"{device}: results out of order")
        positions = [(int(m.group(4)), int(m.group(5))) for m in mine]
        check(positions == sorted(positions), f"{device}: positions do not follow put order: {positions}")
        check(all(m.group(3) == shard_for_key(shards, device) for m in mine), f"{device}: not on its MD5 shard")
    stored = stack.read_user_records("coroutine-demo")
    check(len(stored) == 12, f"the stream holds {len(stored)} user records, expected 12")
    printed = {m.group(4) for m in results}
    check(printed == {seq for _, _, _, seq in stored}, "printed sequence numbers differ from the stream's")
    for shard, key, data, _ in stored:
        check(json.loads(data)["device_id"] == key, f"record {data!r} under key {key}")
    check("done: 0 failed" in p.stdout, "no summary line")


def producer_threads(o, stack):
    stack.create_stream("threads-demo", 2)
    p = run([o.program, "threads-demo", "4", "250"], stack.environment())
    check(p.returncode == 0, "the example failed")
    check("acknowledged 1000 failed 0" in p.stdout, "expected 1000 acknowledged puts")
    check(re.search(r"user records put 1000 in \d+ Kinesis records", p.stdout), "metrics disagree")
    stored = stack.read_user_records("threads-demo")
    check(len(stored) == 1000, f"the stream holds {len(stored)} user records, expected 1000")
    for worker in range(4):
        events = [d.decode() for _, k, d, _ in stored if k == f"worker-{worker}"]
        check(events == [f"worker-{worker} event {i}" for i in range(250)], f"worker-{worker}: lost or reordered")


def partition_keys(o, stack):
    stack.create_stream("keys-demo", 4)
    p = run([o.program, "keys-demo"], stack.environment())
    check(p.returncode == 0, "the example failed")
    shards = stack.shards("keys-demo")
    rows = re.findall(r"^(\S+)\s+(\{.*?\})\s+key (hash )?(\S+)\s+-> (shardId-\d+)$", p.stdout, re.M)
    check(len(rows) == 18, f"expected 18 routed records, got {len(rows)}")
    for strategy, event, is_hash, key, shard in rows:
        expected = shard_for_key(shards, explicit_hash_key=key) if is_hash else shard_for_key(shards, key)
        check(shard == expected, f"{strategy} {key}: on {shard}, its hash key belongs to {expected}")
        if strategy == "json_field":
            check(key == json.loads(event)["device_id"], f"json_field key {key} for {event}")
        if strategy == "fan_out":
            check(re.fullmatch(r"acme-[0-3]", key), f"fan_out key {key} is not tenant + suffix in [0, 4)")
        if strategy == "random_suffix":
            check(re.fullmatch(r"clicks-[0-7]", key), f"random_suffix key {key} outside [0, 8)")
    fan = [(json.loads(e)["user"], k) for s, e, _, k, _ in rows if s == "fan_out"]
    check(len({k for u, k in fan if u == "u1"}) == 1, "one user's events must share a key")
    lanes = {json.loads(e)["lane"]: sh for s, e, _, _, sh in rows if s == "explicit_hash_key"}
    check(lanes["first"] == shards[0]["ShardId"] and lanes["last"] == shards[-1]["ShardId"],
          f"explicit hash keys misplaced: {lanes}")
    check(re.search(r"^json_field .*rejected: .*device_id", p.stdout, re.M), "a missing field must be an error")


def tail_file(o, stack):
    stack.create_stream("tail-demo", 2)
    env = stack.environment()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "app.log")
        with open(path, "w") as f:
            for i in range(2000):
                f.write(f"line {i} of the log\n")
            f.write("a line still being writ")  # no newline yet: not put
        # Follow the file while it grows: complete the partial line and add
        # more; the program keeps reading until the file is idle for 1.5 s.
        proc = subprocess.Popen([o.program, "tail-demo", path, "0", "1500"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        with open(path, "a") as f:
            f.write("ten\n")
            for i in range(2000, 2500):
                f.write(f"line {i} of the log\n")
        out, err = proc.communicate(timeout=60)
        print(out + err)
        size = os.path.getsize(path)
        check(proc.returncode == 0, "the example failed")
        check(f"put 2501 lines, 0 failed; commit offset {size} of" in out, f"expected 2501 lines and offset {size}")
        # A restart from the committed offset puts nothing again.
        p = run([o.program, "tail-demo", path, str(size), "200"], env)
        check(p.returncode == 0 and f"put 0 lines, 0 failed; commit offset {size}" in p.stdout, "resume re-put lines")
        stored = sorted(d.decode() for _, _, d, _ in stack.read_user_records("tail-demo"))
        with open(path) as f:
            lines = sorted(f.read().splitlines())
        check(stored == lines, f"the stream holds {len(stored)} lines, the file {len(lines)}: not the same lines")


def two_tables_two_shards(o, stack):
    config = os.path.join(o.examples_src, "two_tables_two_shards", "consumer.toml")
    consumer = os.path.join(o.bin_dir, "kinesys-consumer")
    if not os.path.exists(consumer):
        skip(f"{consumer} is not built")
    env = stack.environment()
    p = run([consumer, "--config", config, "--check-config"], env)
    check(p.returncode == 0, "--check-config refused the example")
    printed = p.stdout.replace('"', "'")
    check("mode = 'shard'" in printed and "shardId-000000000001 = 'slow_readings'" in printed
          and "[tables.fast_readings]" in printed and "rate_limit = 20" in printed,
          "the printed configuration lacks the routing, a table or its rate")

    stack.create_stream("readings", 2)
    first, last = "0", str(2**128 - 1)  # the first and the last shard
    for shard_hash, count, prefix in ((first, 30, "fast"), (last, 10, "slow")):
        entries = [{"Data": json.dumps({"device_id": f"{prefix}-{i % 3}", "ts": i, "v": i}).encode(),
                    "PartitionKey": f"{prefix}-{i % 3}", "ExplicitHashKey": shard_hash} for i in range(count)]
        check(stack.kinesis.put_records(StreamName="readings", Records=entries)["FailedRecordCount"] == 0,
              "put_records failed")
    with tempfile.TemporaryDirectory() as tmp, open(os.path.join(tmp, "consumer.log"), "w+") as log:
        proc = subprocess.Popen([consumer, "--config", config, "--metrics-port", "0", "--cores", "1",
                                 "--worker-id", "example-test"], env=env, cwd=tmp,
                                stdout=subprocess.PIPE, stderr=log, text=True)
        wait_for_line(proc, "listening ", 30, log.name)
        deadline = time.monotonic() + 30
        counts = {}
        while time.monotonic() < deadline:
            counts = {t: table_items(stack, t) for t in ("fast_readings", "slow_readings")}
            if len(counts["fast_readings"]) == 30 and len(counts["slow_readings"]) == 10:
                break
            time.sleep(0.2)  # polling DynamoDB for a condition, with a deadline
        status = stop(proc, 40)
        log.seek(0)
        print(log.read()[-3000:])
        check(len(counts.get("fast_readings", [])) == 30 and len(counts.get("slow_readings", [])) == 10,
              f"tables hold {({t: len(v) for t, v in counts.items()})}, expected 30 and 10")
        check(all(k.startswith("fast-") for k in counts["fast_readings"]), "shard 0's records went elsewhere")
        check(all(k.startswith("slow-") for k in counts["slow_readings"]), "shard 1's records went elsewhere")
        check(status == 0, f"kinesys-consumer exited {status} after SIGTERM, expected 0")
        dead = os.path.join(tmp, "dead-letters.ndjson")
        check(not os.path.exists(dead) or os.path.getsize(dead) == 0, "records were dead-lettered")


def table_items(stack, table):
    try:
        items = stack.dynamodb.scan(TableName=table, ConsistentRead=True)["Items"]
    except stack.dynamodb.exceptions.ResourceNotFoundException:
        return []
    return [f"{i['device_id']['S']}/{i['ts']['N']}" for i in items]


def ingest_curl(o, stack):
    ingest = os.path.join(o.bin_dir, "kinesys-ingest")
    if not os.path.exists(ingest):
        skip(f"{ingest} is not built")
    stack.create_stream("events", 2)
    env = stack.environment()
    with tempfile.TemporaryDirectory() as tmp:
        keys = os.path.join(tmp, "keys.toml")
        with open(keys, "w") as f:
            f.write('[[tenant]]\nname = "example"\napi_key = "example-key-0123456789"\n'
                    'streams = ["events"]\nrate_limit = 1000\n')
        proc = subprocess.Popen([ingest, "--port", "0", "--kinesis-endpoint", stack.endpoint, "--region", "us-east-1",
                                 "--keys-file", keys], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True)
        line = wait_for_line(proc, "listening ", 20)
        curl_env = dict(env, INGEST_URL="http://" + line.split()[1], API_KEY="example-key-0123456789", STREAM="events")
        p = run(["bash", os.path.join(o.examples_src, "ingest_curl", "curl.sh")], curl_env)
        status = stop(proc)
        check(p.returncode == 0, "curl.sh failed")
        codes = [int(c) for c in re.findall(r"^HTTP (\d+)$", p.stdout, re.M)]
        check(len(codes) == 4, f"expected 4 responses, got {codes}")
        check(200 <= codes[0] < 300 and 200 <= codes[1] < 300, f"the valid puts were refused: {codes}")
        check(codes[2] in (401, 403), f"an unknown API key got {codes[2]}, expected 401 or 403")
        check(codes[3] == 400, f"a malformed body got {codes[3]}, expected 400")
        check(status == 0, f"kinesys-ingest exited {status} after SIGTERM")
    stored = [json.loads(d) for _, _, d, _ in stack.read_user_records("events")]
    check(sorted(r["temp"] for r in stored) == [19.0, 21.5, 21.7, 23.1], f"the stream holds {stored}")


EXAMPLES = {f.__name__: f for f in (producer_coroutine, producer_threads, partition_keys, tail_file,
                                    two_tables_two_shards, ingest_curl)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("name", choices=sorted(EXAMPLES))
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--examples-src", required=True)
    parser.add_argument("--program")
    o = parser.parse_args()
    o.bin_dir, o.examples_src = os.path.abspath(o.bin_dir), os.path.abspath(o.examples_src)
    with LocalStack(o.bin_dir) as stack:
        EXAMPLES[o.name](o, stack)
    print("passed")


if __name__ == "__main__":
    try:
        main()
    except subprocess.TimeoutExpired as e:
        fail(f"{e.cmd[0]} did not finish within {e.timeout}s")
