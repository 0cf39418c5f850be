#!/usr/bin/env python3
"""Seed 000's consumer in boto3: per shard, a GetRecords loop (batch size and
sleep time are its two knobs); the items are written with BatchWriteItem in
batches of 25, each batch on a thread of a pool, UnprocessedItems resent.

Reads plain JSON records (boto3 does not deaggregate) and writes each as an
item keyed by --key-field. Counts items written per second after --warmup
from the first record read, for --duration seconds or until the backlog is
drained; prints one JSON line like the other peers.
"""
import argparse
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3

from peer_stats import Stats


def to_attribute(v):
    if isinstance(v, bool):
        return {"BOOL": v}
    if isinstance(v, (int, float)):
        return {"N": str(v)}
    if isinstance(v, str):
        return {"S": v}
    if v is None:
        return {"NULL": True}
    if isinstance(v, list):
        return {"L": [to_attribute(x) for x in v]}
    return {"M": {k: to_attribute(x) for k, x in v.items()}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stream", required=True)
    ap.add_argument("--table", required=True)
    ap.add_argument("--key-field", default="id")
    ap.add_argument("--expect", type=int, required=True)
    ap.add_argument("--warmup", type=float, default=2)
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--batch-size", type=int, default=10000)
    ap.add_argument("--sleep", type=float, default=0.2)
    ap.add_argument("--threads", type=int, default=32)
    a = ap.parse_args()

    kinesis = boto3.client("kinesis")
    dynamodb = boto3.client("dynamodb")
    pool = ThreadPoolExecutor(max_workers=a.threads)
    lock = threading.Lock()
    state = {"stats": None, "written": 0, "stop": False}
    first_read = threading.Event()

    def write_batch(items):
        request = {a.table: [{"PutRequest": {"Item": i}} for i in items]}
        while request:
            t0 = time.monotonic()
            answer = dynamodb.batch_write_item(RequestItems=request)
            with lock:
                if state["stats"]:
                    state["stats"].request(time.monotonic() - t0)
            request = answer.get("UnprocessedItems") or None
        with lock:
            state["written"] += len(items)
            if state["stats"]:
                state["stats"].done(len(items))

    def read_shard(shard_id):
        it = kinesis.get_shard_iterator(StreamName=a.stream, ShardId=shard_id,
                                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        futures = []
        while it and not state["stop"]:
            answer = kinesis.get_records(ShardIterator=it, Limit=a.batch_size)
            if answer["Records"] and not first_read.is_set():
                first_read.set()
            items = [{k: to_attribute(v) for k, v in json.loads(r["Data"]).items()} for r in answer["Records"]]
            for i in range(0, len(items), 25):
                futures.append(pool.submit(write_batch, items[i:i + 25]))
            if not answer["Records"] and answer.get("MillisBehindLatest", 0) == 0:
                break
            it = answer.get("NextShardIterator")
            time.sleep(a.sleep)
        for f in futures:
            f.result()

    shards = [s["ShardId"] for s in kinesis.list_shards(StreamName=a.stream)["Shards"]]
    threads = [threading.Thread(target=read_shard, args=(s,), daemon=True) for s in shards]
    for t in threads:
        t.start()
    first_read.wait(60)
    with lock:
        state["stats"] = Stats(a.warmup, a.duration)
    stats = state["stats"]
    while True:
        time.sleep(0.005)
        with lock:
            if stats.over() or state["written"] >= a.expect:
                stats.finish_early()
                break
    state["stop"] = True
    with lock:
        result = stats.result(drained=state["written"] >= a.expect)
    print(json.dumps(result), flush=True)
    pool.shutdown(wait=False, cancel_futures=True)


if __name__ == "__main__":
    main()
